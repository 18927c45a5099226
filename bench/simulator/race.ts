// Rate benchmark (node --import tsx bench/simulator/race.ts [--seeds N] [--parallel P] [--fidelity]):
// how often #10740 shows through the simulator when the cfg lag lasts a fixed time, as on a real store,
// so that whether a target sync falls inside it depends on timing (and on the machine's load). Measured
// side by side in one run: v1.8.1 with the lag (stuck rate), v1.9.0 with the same lag (ready rate),
// v1.8.1 without any fault (the base rate), and the state-forced lag of race.test.ts as a reference.
// Writes JSON to bench/out/simulator-race-<time>.json and prints a table. A rate is a figure for the
// README, never a test assertion: race.test.ts is the deterministic test.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startS3Proxy } from '../../fault-injectors/index.js';
import { startLocalEnvironment } from '../../fixtures/local/index.js';
import type { ScenarioResult } from '../../fixtures/simulator/index.js';
import { describeSeeds, inBatches, runSeed, type Lag } from './race-seeds.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    parallel: { type: 'string', default: '2' },
    fidelity: { type: 'boolean', default: false },
    log: { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
const parallel = Number(values.parallel);
/** Longhorn time x factor; the lag and the hammer scale with it so the ratios stay Longhorn's. */
const factor = values.fidelity ? 1 : 0.5;

const local = await startLocalEnvironment({ lifetime: 'tied', ownedDirPrefix: 'lhchaos-bench-race-' });
const proxy = await startS3Proxy({ upstream: local.env.s3.endpoint, seed: 7 });
const cases: { name: string; version: 'v1.8.1' | 'v1.9.0'; lag?: Lag; want: ScenarioResult['outcome'] }[] = [
  { name: 'v1.8.1, 5 s lag', version: 'v1.8.1', lag: { ms: 5000 * factor }, want: 'stuck' },
  { name: 'v1.9.0, 5 s lag', version: 'v1.9.0', lag: { ms: 5000 * factor }, want: 'ready' },
  { name: 'v1.8.1, no fault', version: 'v1.8.1', want: 'stuck' },
  { name: 'v1.8.1, lag until the race', version: 'v1.8.1', lag: 'until-race', want: 'stuck' },
];
const rows: { case: string; want: string; hits: number; seeds: number; rate: number; medianMs: number }[] =
  [];
try {
  for (const c of cases) {
    const results = await inBatches(seeds, parallel, (seed) =>
      runSeed({
        env: local.env,
        proxy,
        version: c.version,
        seed,
        lag: c.lag,
        factor,
        images: 3,
        disks: 4,
        plainVolumes: 2,
        pollInterval: '300s',
        hammerMs: c.lag === 'until-race' ? 2000 * factor : 0,
        deadlineMs: 120_000 * (values.fidelity ? 5 : 1),
        stuckAfterMs: 15_000 * factor,
        log: values.log,
      }),
    );
    console.error(`${c.name}:\n${describeSeeds(results)}`);
    const hits = results.filter((r) => r.outcome === c.want).length;
    const times = results.map((r) => r.elapsedMs).sort((a, b) => a - b);
    rows.push({
      case: c.name,
      want: c.want,
      hits,
      seeds,
      rate: hits / seeds,
      medianMs: times[Math.floor(times.length / 2)] ?? 0,
    });
  }
} finally {
  await proxy.close();
  await local.stop();
}
const out = {
  at: new Date().toISOString(),
  loadavg: loadavg(),
  factor,
  parallel,
  rows,
};
await mkdir('bench/out', { recursive: true });
const file = join('bench/out', `simulator-race-${out.at.replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
console.table(rows);
console.log(
  `load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; written to ${file}`,
);
