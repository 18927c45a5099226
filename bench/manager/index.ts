// Real longhorn-manager benchmark (node --import tsx bench/manager/index.ts [--seeds N] [--first S]
// [--versions v1.8.1,v1.9.0] [--scenario partial-sync] [--model]): runs `lhchaos run --env local` with
// longhorn-manager's own controllers for N seeds per version, each in a private environment, and reports
// per version: exit codes, which SystemBackups stuck, race witnesses, CR-only deletions of Completed BBIs
// (stored-bbi-kept), the controllers' event counts, wall time per run and the manager's peak RSS. With
// --model the simulator's model runs the same seeds beside it, for time and outcome side by side.
// Writes JSON to bench/out/manager-<time>.json.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { readHistory } from '../../record/index.js';
import { PROFILES, reproCommand, runChaos, scenarioByName } from '../../suites/runner/index.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    first: { type: 'string', default: '1' },
    versions: { type: 'string', default: 'v1.8.1,v1.9.0' },
    scenario: { type: 'string', default: 'partial-sync' },
    model: { type: 'boolean', default: false },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.first) + i);
const versions = values.versions.split(',');
const managers: ('real' | 'model')[] = values.model ? ['real', 'model'] : ['real'];

/** Peak resident memory of the manager harness while a run goes, sampled from ps once a second. */
function sampleManagerRss(): { stop(): number } {
  let peakKB = 0;
  const timer = setInterval(() => {
    run('ps', ['-C', 'manager-harness', '-o', 'rss=']).then(
      ({ stdout }) => {
        for (const line of stdout.split('\n')) peakKB = Math.max(peakKB, Number(line.trim()) || 0);
      },
      () => undefined,
    );
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(peakKB / 1024);
    },
  };
}

interface Row {
  version: string;
  manager: 'real' | 'model';
  seed: number;
  exitCode: number;
  wallS: number;
  stuckSystemBackups: string[];
  stuckBbis: string[];
  raceWitnesses: number;
  completedDeletedCrOnly: { subject?: string; valid: unknown; severity: string; message: string }[];
  kubeEvents: number;
  managerPeakRssMB: number | null;
  runDir: string;
}

async function one(version: string, manager: 'real' | 'model', seed: number, outDir: string): Promise<Row> {
  const base = {
    env: 'local' as const,
    profile: PROFILES.smoke,
    scenarios: [scenarioByName(values.scenario)],
    seed,
    longhorn: version,
    simBugs: [],
    manager,
    // The model run is the all-model simulator; the real manager goes with the real backing-image managers.
    bim: manager,
    outDir,
  };
  const rss = manager === 'real' ? sampleManagerRss() : undefined;
  const started = performance.now();
  const result = await runChaos({ ...base, repro: reproCommand(base) });
  const wallS = (performance.now() - started) / 1000;
  const peak = rss?.stop() ?? null;
  let kubeEvents = 0;
  for await (const event of readHistory(result.runDir)) if (event.type === 'kube-event') kubeEvents++;
  const failed = (name: string, prefix: string) =>
    result.verdict.checks
      .filter((c) => c.name === name && c.valid === false && c.subject?.startsWith(prefix))
      .map((c) => c.subject ?? '');
  return {
    version,
    manager,
    seed,
    exitCode: result.exitCode,
    wallS: Math.round(wallS),
    stuckSystemBackups: failed('no-stuck-state', 'SystemBackup/'),
    stuckBbis: failed('no-stuck-state', 'BackupBackingImage/'),
    raceWitnesses: result.verdict.checks.filter((c) => c.name === 'race-witness' && c.valid === false).length,
    completedDeletedCrOnly: result.verdict.checks
      .filter((c) => c.name === 'stored-bbi-kept' && c.valid !== true)
      .map((c) => ({ subject: c.subject, valid: c.valid, severity: c.severity, message: c.message })),
    kubeEvents,
    managerPeakRssMB: peak,
    runDir: result.runDir,
  };
}

const outDir = await mkdtemp(join(tmpdir(), 'lhchaos-bench-manager-'));
const rows: Row[] = [];
for (const version of versions) {
  for (const seed of seeds) {
    for (const manager of managers) {
      const row = await one(version, manager, seed, outDir);
      rows.push(row);
      console.log(
        `${version} ${manager} seed ${seed}: exit ${row.exitCode} in ${row.wallS} s, stuck ${row.stuckSystemBackups.length} SB / ` +
          `${row.stuckBbis.length} BBI, ${row.raceWitnesses} race witnesses, ${row.completedDeletedCrOnly.length} ` +
          `Completed BBIs deleted CR-only, ${row.kubeEvents} events, manager peak ${row.managerPeakRssMB ?? '-'} MB`,
      );
    }
  }
}

const summary = versions.flatMap((version) =>
  managers.map((manager) => {
    const mine = rows.filter((r) => r.version === version && r.manager === manager);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;
    return {
      version,
      manager,
      runs: mine.length,
      exitCodes: Object.fromEntries(
        [...new Set(mine.map((r) => r.exitCode))].map((c) => [
          c,
          mine.filter((r) => r.exitCode === c).length,
        ]),
      ),
      runsWithStuckSystemBackup: mine.filter((r) => r.stuckSystemBackups.length > 0).length,
      runsWithRaceWitness: mine.filter((r) => r.raceWitnesses > 0).length,
      runsWithCompletedBbiDeletedCrOnly: mine.filter((r) => r.completedDeletedCrOnly.length > 0).length,
      medianWallS: median(mine.map((r) => r.wallS)),
      medianManagerPeakRssMB: median(
        mine.flatMap((r) => (r.managerPeakRssMB === null ? [] : [r.managerPeakRssMB])),
      ),
    };
  }),
);
console.table(summary);
await mkdir(new URL('../out/', import.meta.url), { recursive: true });
const file = new URL(
  `../out/manager-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  import.meta.url,
);
await writeFile(file, JSON.stringify({ scenario: values.scenario, seeds, summary, rows }, null, 2) + '\n');
// The run records stay: the evidence for a finding is in their histories.
console.log(`written to ${file.pathname} (run records in ${outDir})`);
process.exit(0);
