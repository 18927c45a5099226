// The cost of a run: the `smoke` profile on the embedded environment, its wall time and CPU time broken down
// by phase (environment up, scenarios, teardown, judging, rendering). CPU is this process (the runner, the
// fault proxy and the simulator run in it) plus its child processes (etcd, the API server, MinIO), read
// from /proc at each phase change. Writes bench/out/run.json and prints a table.
// Run: npm run bench:run -- [--runs N] [--seed S] [--out DIR]
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readChaosEnv } from '../../suites/harness/index.js';
import { renderReports } from '../../reports/index.js';
import { reproCommand, resolveRunOptions, runChaos, type RunPhase } from '../../suites/runner/index.js';
import { textTable } from '../text-table.js';

/** The runner's phases, then rendering, which its callers do (as `lhchaos run` does). */
type Phase = RunPhase | 'rendering';
const PHASES: readonly Phase[] = ['environment-up', 'scenarios', 'teardown', 'judging', 'rendering'];

export interface PhaseCost {
  wallMs: number;
  /** This process (user+system). */
  selfCpuMs: number;
  /** Child processes: live ones, plus those that exited and were waited for. */
  childCpuMs: number;
}

export interface RunBenchResult {
  runs: { seed: number; verdict: string; exitCode: number; phases: Record<Phase, PhaseCost> }[];
  /** Median over runs, per phase. */
  median: Record<Phase | 'total', PhaseCost>;
  loadAverage: { start: number; end: number };
  file: string;
}

const TICK_MS = 1000 / 100; // /proc times are in clock ticks (USER_HZ, 100 on Linux)

/** CPU ms of this process's children: live ones from /proc, exited ones from our cutime/cstime. */
function childCpuMs(): number {
  const self = procStat(process.pid);
  let total = self ? (self.cutime + self.cstime) * TICK_MS : 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.ppid === process.pid) total += (stat.utime + stat.stime + stat.cutime + stat.cstime) * TICK_MS;
  }
  return total;
}

function procStat(pid: number) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const n = (i: number) => Number(fields[i]);
    // Fields after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
    return { ppid: n(1), utime: n(11), stime: n(12), cutime: n(13), cstime: n(14) };
  } catch {
    return undefined;
  }
}

function snapshot() {
  const cpu = process.cpuUsage();
  return { wall: performance.now(), self: (cpu.user + cpu.system) / 1000, child: childCpuMs() };
}

async function measureOneRun(seed: number, outDir: string) {
  const resolved = resolveRunOptions(
    { env: 'local', profile: 'smoke', seed: String(seed), out: outDir },
    readChaosEnv({}),
    {},
  );
  const marks: { phase: Phase | 'end'; at: ReturnType<typeof snapshot> }[] = [];
  const result = await runChaos({
    ...resolved,
    repro: reproCommand(resolved),
    onPhase: (phase) => marks.push({ phase, at: snapshot() }),
  });
  marks.push({ phase: 'rendering', at: snapshot() });
  await renderReports(result.runDir, { verdict: result.verdict });
  marks.push({ phase: 'end', at: snapshot() });
  const phases = {} as Record<Phase, PhaseCost>;
  for (const phase of PHASES) phases[phase] = { wallMs: 0, selfCpuMs: 0, childCpuMs: 0 };
  for (let i = 0; i + 1 < marks.length; i++) {
    const { phase, at } = marks[i]!;
    const next = marks[i + 1]!.at;
    const cost = phases[phase as Phase];
    cost.wallMs += next.wall - at.wall;
    cost.selfCpuMs += next.self - at.self;
    cost.childCpuMs += next.child - at.child;
  }
  return { seed, verdict: String(result.verdict.valid), exitCode: result.exitCode, phases };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function runRunBench(options: { runs: number; seed: number; outDir: string }) {
  const loadAtStart = loadavg()[0]!;
  const scratch = await mkdtemp(join(tmpdir(), 'lhchaos-bench-run-'));
  try {
    const runs: RunBenchResult['runs'] = [];
    for (let i = 0; i < options.runs; i++) runs.push(await measureOneRun(options.seed + i, scratch));
    const med = {} as RunBenchResult['median'];
    for (const phase of [...PHASES, 'total'] as const) {
      const of = (f: (c: PhaseCost) => number) =>
        Math.round(
          median(
            runs.map((r) =>
              phase === 'total' ? PHASES.reduce((sum, p) => sum + f(r.phases[p]), 0) : f(r.phases[phase]),
            ),
          ),
        );
      med[phase] = {
        wallMs: of((c) => c.wallMs),
        selfCpuMs: of((c) => c.selfCpuMs),
        childCpuMs: of((c) => c.childCpuMs),
      };
    }
    await mkdir(options.outDir, { recursive: true });
    const file = join(options.outDir, 'run.json');
    const result: RunBenchResult = {
      runs,
      median: med,
      loadAverage: { start: Math.round(loadAtStart * 100) / 100, end: Math.round(loadavg()[0]! * 100) / 100 },
      file,
    };
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export function formatRunTable(r: RunBenchResult): string {
  const total = r.median.total;
  const rows = [
    [
      'phase (median of runs)',
      'wall ms',
      'share of wall',
      'CPU ms: runner',
      'CPU ms: children',
      'CPU ms: total',
    ],
  ];
  for (const phase of [...PHASES, 'total'] as const) {
    const c = r.median[phase];
    rows.push([
      phase,
      String(c.wallMs),
      `${Math.round((100 * c.wallMs) / total.wallMs)}%`,
      String(c.selfCpuMs),
      String(c.childCpuMs),
      String(c.selfCpuMs + c.childCpuMs),
    ]);
  }
  rows.push([
    'runs (seed: verdict)',
    r.runs.map((x) => `${x.seed}: ${x.verdict}`).join(', '),
    '',
    '',
    '',
    '',
  ]);
  rows.push(['load average (start, end)', `${r.loadAverage.start}, ${r.loadAverage.end}`, '', '', '', '']);
  return textTable(rows);
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'bench/out' },
    },
    strict: true,
  });
  const result = await runRunBench({
    runs: Number(values.runs),
    seed: Number(values.seed),
    outDir: values.out,
  });
  process.stdout.write(formatRunTable(result));
  process.stdout.write(`written to ${result.file}\n`);
}
