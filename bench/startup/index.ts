// Start-up benchmark: `lhchaos --help`, `lhchaos --version` and a usage error, start to exit, from the
// compiled build (dist/) and from the sources through tsx (LHCHAOS_FROM_SOURCE=1), beside `node -e 0` (the
// floor any Node program pays). The cases take turns within each round, so machine load hits them alike;
// the table shows the median of N rounds and each case's ratio to the floor and dist's ratio to tsx.
// Builds dist/ first when it is not current. JSON to bench/out/startup-<time>.json.
// Run: node --import tsx bench/startup/index.ts [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { distIsCurrent } from '../../bin/dist-state.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs: expected a positive integer, got ${values.runs}`);

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'lhchaos.js');

interface Case {
  name: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  /** The exit code the command must end with (a benchmark of a failing start means nothing). */
  exit: number;
}

const fromSource = { ...process.env, LHCHAOS_FROM_SOURCE: '1' };
const CASES: Case[] = [
  { name: 'node -e 0', argv: ['-e', '0'], exit: 0 },
  { name: 'dist: lhchaos --help', argv: [bin, '--help'], exit: 0 },
  { name: 'dist: lhchaos --version', argv: [bin, '--version'], exit: 0 },
  { name: 'dist: lhchaos run --bogus', argv: [bin, 'run', '--bogus'], exit: 2 },
  { name: 'tsx: lhchaos --help', argv: [bin, '--help'], env: fromSource, exit: 0 },
  { name: 'tsx: lhchaos --version', argv: [bin, '--version'], env: fromSource, exit: 0 },
  { name: 'tsx: lhchaos run --bogus', argv: [bin, 'run', '--bogus'], env: fromSource, exit: 2 },
];

function timeOnce(c: Case): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, c.argv, {
    cwd: root,
    env: { ...(c.env ?? process.env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== c.exit) {
    throw new Error(
      `${c.name}: exit ${result.status}, expected ${c.exit}: ${String(result.stderr).slice(0, 500)}`,
    );
  }
  return ms;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

if (!distIsCurrent(root)) {
  console.log('dist/ is not current: building it (node bin/build.mjs)');
  const build = spawnSync(process.execPath, [join(root, 'bin', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('the build failed');
}
const version = spawnSync(process.execPath, [bin, '--version'], { cwd: root, encoding: 'utf8' }).stdout;
if (!version.includes('compiled build in dist/'))
  throw new Error(`the dist rows would not run dist/:\n${version}`);

const samples = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
// One warm-up round (file cache), not counted.
for (const c of CASES) timeOnce(c);
for (let round = 0; round < runs; round++) {
  for (const c of CASES) samples.get(c.name)!.push(timeOnce(c));
}

const floor = median(samples.get('node -e 0')!);
const rows = CASES.map((c) => {
  const ms = samples.get(c.name)!;
  const tsxTwin = c.name.startsWith('dist: ') ? samples.get(c.name.replace('dist: ', 'tsx: ')) : undefined;
  return {
    case: c.name,
    medianMs: Math.round(median(ms)),
    minMs: Math.round(Math.min(...ms)),
    maxMs: Math.round(Math.max(...ms)),
    xNode: Number((median(ms) / floor).toFixed(2)),
    ...(tsxTwin ? { tsxOverDist: Number((median(tsxTwin) / median(ms)).toFixed(1)) } : {}),
  };
});

const loadavg = (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1)));
console.log(
  `\nstart to exit, median of ${runs} rounds (load average ${loadavg.join(' ')}, ${process.version})\n`,
);
console.log('| case | median ms | min | max | × node -e 0 | tsx ÷ dist |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.case} | ${r.medianMs} | ${r.minMs} | ${r.maxMs} | ${r.xNode} | ${'tsxOverDist' in r ? r.tsxOverDist : ''} |`,
  );
}

const out = join(root, 'bench', 'out');
await mkdir(out, { recursive: true });
const file = join(out, `startup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify({ runs, loadavg, node: process.version, rows }, null, 2)}\n`);
console.log(`\n${file}`);
