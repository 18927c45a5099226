// Realistic run records for tests and benchmarks, until the runner writes real ones: the #10740 race on a
// buggy Longhorn (v1.8.1: stuck), the same race on a fixed one (v1.9.0: passes with a race witness), and
// large records for scale. Shapes follow docs/longhorn.md#controllers and docs/longhorn.md#detecting-the-race.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeededRandom } from '../../common/index.js';
import {
  type CheckResult,
  type HistoryEvent,
  type RunMeta,
  type Verdict,
  RunRecordWriter,
} from '../../record/index.js';
import { HistoryBuilder } from './builder.js';

export const SCENARIO = 'bbi-deleted-by-target-sync';
const STARTED_AT = Date.UTC(2026, 10, 30, 1, 27, 0);
const CFG = (bi: string) => `backupstore/backing-images/backing-images/${bi}/backing-image.cfg`;
const LAG_RULE = {
  name: 'cfg-visibility-lag',
  type: 'visibility-lag',
  durationMs: 8000,
  match: { key: '**/backing-image.cfg' },
};

function metaFor(runId: string, seed: number, version: string, iterations: number): RunMeta {
  return {
    runId,
    seed,
    profile: 'repro',
    env: 'local',
    startedAt: new Date(STARTED_AT).toISOString(),
    finishedAt: new Date(STARTED_AT + 120_000).toISOString(),
    repro: `lhchaos run --env local --profile repro --seed ${seed} --longhorn ${version} --iterations ${iterations}`,
    longhorn: {
      version,
      simulated: true,
      bugs: version === 'v1.8.1' ? ['bimSkipsProgressWhenCfgExists'] : [],
    },
    tools: {
      minio: 'v0.0.0-20260212201848-7aac2a2c5b7c',
      etcd: 'v3.6.16',
      'apiextensions-apiserver': 'v0.36.6',
    },
    scenarios: [
      { name: SCENARIO, description: 'A BBI deleted by the target sync while InProgress', iterations },
    ],
    // The manager modelled, backing-image-manager and backupstore Longhorn's own (a run with --bim real).
    components: [
      { name: 'longhorn-manager', kind: 'model', version },
      {
        name: 'backing-image-manager',
        kind: 'real',
        version: version === 'v1.8.1' ? 'v1.8.1' : 'v1.9.2',
        ...(version === 'v1.9.0' ? { note: 'nearest served build with the fix' } : {}),
      },
      {
        name: 'backupstore',
        kind: 'real',
        version:
          version === 'v1.8.1' ? 'v0.0.0-20250227220202-651bd33886fe' : 'v0.0.0-20250804022317-794abf817297',
      },
    ],
    logs: [BIM_LOG],
    timeFactor: 0.1,
    stallWindowMs: 30_000,
  };
}

/** The backing-image-manager log a run keeps, relative to the run directory. */
export const BIM_LOG = 'logs/bim-node-2-disk-1.log';

interface IterationOutcome {
  checks: CheckResult[];
}

/** One system backup with a backing image; `race` arms the lag rule and has the target sync delete the BBI. */
function iteration(
  h: HistoryBuilder,
  random: SeededRandom,
  n: number,
  options: { race: boolean; fixed: boolean },
): IterationOutcome {
  const sb = `sb-${n}`;
  const bi = `bi-${n}`;
  const suffix = () => random.int(0x10000000, 0x7fffffff).toString(16);
  const first = `${bi}-${suffix()}`;
  const checks: CheckResult[] = [];
  const at = (ms: number) => h.advance(ms + random.int(0, 40));
  h.emit({
    type: 'op',
    process: 'workload',
    opId: n * 10,
    f: 'create-system-backup',
    phase: 'invoke',
    value: sb,
  });
  const sbAdded = h.watch('SystemBackup', sb, 'ADDED', { state: '' });
  h.emit({
    type: 'op',
    process: 'workload',
    opId: n * 10,
    f: 'create-system-backup',
    phase: 'ok',
    value: sb,
  });
  at(300);
  h.watch('SystemBackup', sb, 'MODIFIED', { state: 'CreatingVolumeBackups' });
  let ruleAdded: HistoryEvent | undefined;
  if (options.race) {
    ruleAdded = h.emit({ type: 'rule', action: 'add', rule: LAG_RULE, reason: 'reactive: BBI created' });
  }
  at(500);
  const firstAdded = h.watch('BackupBackingImage', first, 'ADDED', { state: '', backingImage: bi });
  at(200);
  h.watch('BackupBackingImage', first, 'MODIFIED', { state: 'InProgress', progress: 0, backingImage: bi });
  h.request('PutObject', CFG(bi), options.race ? LAG_RULE.name : null, options.race ? 'hide' : 'pass');
  if (!options.race) {
    for (let p = 20; p <= 100; p += 20) {
      at(1500);
      h.request('PutObject', `backupstore/backing-images/backing-images/${bi}/blocks/${p}.blk`, null, 'pass');
      h.watch('BackupBackingImage', first, 'MODIFIED', {
        state: p === 100 ? 'Completed' : 'InProgress',
        progress: p,
        backingImage: bi,
      });
    }
    at(600);
    h.watch('SystemBackup', sb, 'MODIFIED', { state: 'CreatingBackingImageBackups' });
    for (const state of ['Generating', 'Uploading', 'Ready']) {
      at(1200);
      h.watch('SystemBackup', sb, 'MODIFIED', { state });
    }
    checks.push(
      pass('no-stuck-state', n, `SystemBackup/${sb}`),
      pass('progress-reaches-100', n, `BackupBackingImage/${first}`),
    );
    checks.push(pass('system-backup-ready', n, `SystemBackup/${sb}`), pass('progress-monotonic', n));
    return { checks };
  }
  // The sync hammer asks for a target sync; the listing runs under the lag rule and misses the cfg.
  h.emit({ type: 'op', process: 'nemesis', opId: n * 10 + 1, f: 'sync-backup-target', phase: 'invoke' });
  at(150);
  h.emit({ type: 'op', process: 'nemesis', opId: n * 10 + 1, f: 'sync-backup-target', phase: 'ok' });
  h.request('ListObjects', 'backupstore/backing-images/backing-images/', LAG_RULE.name, 'hide', {
    hiddenKeys: [CFG(bi)],
  });
  at(80);
  h.watch('BackupBackingImage', first, 'MODIFIED', {
    state: 'InProgress',
    progress: 0,
    backingImage: bi,
    labels: { 'longhorn.io/delete-custom-resource-only': 'true' },
  });
  h.emit({
    type: 'log',
    level: 'info',
    source: 'backup-target-controller',
    message: `Deleting BackupBackingImage not exist in backupstore: ${first}`,
  });
  const deleted = h.watch('BackupBackingImage', first, 'DELETED', {
    state: 'InProgress',
    progress: 0,
    backingImage: bi,
    labels: { 'longhorn.io/delete-custom-resource-only': 'true' },
  });
  // An S3 error body in a log line: markup the HTML report must show as text, never run.
  h.emit({
    type: 'log',
    level: 'warn',
    source: 'backing-image-manager',
    message:
      'retrying PUT: <Error><Code>SlowDown</Code></Error></script><script>window.injected = 1</script>',
  });
  // The first upload is not cancelled: its blocks and final cfg still land.
  for (let p = 1; p <= 4; p++) {
    at(700);
    h.request(
      'PutObject',
      `backupstore/backing-images/backing-images/${bi}/blocks/${p}.blk`,
      p === 2 ? LAG_RULE.name : null,
      p === 2 ? 'delay' : 'pass',
      p === 2 ? { delayMs: 400 } : {},
    );
  }
  const second = `${bi}-${suffix()}`;
  at(1200);
  const secondAdded = h.watch('BackupBackingImage', second, 'ADDED', { state: '', backingImage: bi });
  at(200);
  const stuckAt = h.watch('BackupBackingImage', second, 'MODIFIED', {
    state: 'InProgress',
    progress: 0,
    backingImage: bi,
  });
  at(2100);
  h.request('HeadObject', CFG(bi), null, 'pass');
  h.emit({
    type: 'log',
    level: 'info',
    source: 'backing-image-manager',
    message: 'Backup BackingImage already exists, no need to perform backup',
  });
  at(900);
  const sbWaiting = h.watch('SystemBackup', sb, 'MODIFIED', { state: 'CreatingBackingImageBackups' });
  checks.push({
    name: 'race-witness',
    valid: false,
    severity: 'warn',
    message: `BackupBackingImage/${first} deleted while InProgress, then ${second} created for ${bi}`,
    evidence: [deleted.id, secondAdded.id],
    scenario: SCENARIO,
    iteration: n,
    subject: `BackupBackingImage/${first}`,
  });
  void firstAdded;
  void ruleAdded;
  if (options.fixed) {
    at(1900);
    h.watch('BackupBackingImage', second, 'MODIFIED', {
      state: 'Completed',
      progress: 100,
      backingImage: bi,
    });
    for (const state of ['Generating', 'Uploading', 'Ready']) {
      at(1200);
      h.watch('SystemBackup', sb, 'MODIFIED', { state });
    }
    checks.push(
      pass('no-stuck-state', n, `SystemBackup/${sb}`),
      pass('progress-reaches-100', n, `BackupBackingImage/${second}`),
    );
    checks.push(pass('system-backup-ready', n, `SystemBackup/${sb}`), pass('progress-monotonic', n));
    return { checks };
  }
  // Stuck: the monitor keeps polling, nothing changes; the run waits past the stall window.
  for (let poll = 0; poll < 20; poll++) {
    at(2000);
    h.emit({
      type: 'log',
      level: 'debug',
      source: 'bbi-monitor',
      message: `${second} state=in_progress progress=0`,
      fields: { bbi: second },
    });
  }
  const last = h.emit({
    type: 'log',
    level: 'warn',
    source: 'system-backup-controller',
    message: `Backup backing image ${first} not found when checking the backing image backup status in system backup`,
  });
  checks.push({
    name: 'no-stuck-state',
    valid: false,
    severity: 'error',
    message: `SystemBackup/${sb} stayed in CreatingBackingImageBackups for ${((last.t - sbWaiting.t) / 1000).toFixed(1)}s (stall window 30s)`,
    evidence: [sbWaiting.id, stuckAt.id, last.id],
    scenario: SCENARIO,
    iteration: n,
    subject: `SystemBackup/${sb}`,
  });
  checks.push({
    name: 'progress-reaches-100',
    valid: false,
    severity: 'error',
    message: `BackupBackingImage/${second} stuck at InProgress 0% while backing-image.cfg is complete`,
    evidence: [secondAdded.id, stuckAt.id],
    scenario: SCENARIO,
    iteration: n,
    subject: `BackupBackingImage/${second}`,
  });
  checks.push({
    name: 'system-backup-ready',
    valid: false,
    severity: 'error',
    message: `SystemBackup/${sb} never reached Ready`,
    evidence: [sbAdded.id, sbWaiting.id],
    scenario: SCENARIO,
    iteration: n,
    subject: `SystemBackup/${sb}`,
  });
  checks.push(pass('progress-monotonic', n));
  return { checks };
}

function pass(name: string, iteration: number, subject?: string): CheckResult {
  return {
    name,
    valid: true,
    severity: 'error',
    message: 'holds',
    evidence: [],
    scenario: SCENARIO,
    iteration,
    ...(subject ? { subject } : {}),
  };
}

function worstOf(checks: CheckResult[]): Verdict['valid'] {
  const errors = checks.filter((c) => c.severity === 'error');
  if (errors.some((c) => c.valid === false)) return false;
  return errors.some((c) => c.valid === 'unknown') ? 'unknown' : true;
}

export interface RecordOptions {
  /** Longhorn behaviour: `v1.8.1` gets stuck, `v1.9.0` completes. */
  version: 'v1.8.1' | 'v1.9.0';
  seed?: number;
  /** Iterations; every other one from the second on runs the race. */
  iterations?: number;
  /** Stop adding iterations once the history holds this many events (scale records). */
  minEvents?: number;
}

/** Writes a whole run record under `runDir` and returns its meta and verdict. */
export async function writeRaceRecord(
  runDir: string,
  options: RecordOptions,
): Promise<{ meta: RunMeta; verdict: Verdict; events: number }> {
  const seed = options.seed ?? 10740;
  const random = new SeededRandom(seed).derive('testdata');
  const writer = await RunRecordWriter.create(runDir);
  const h = new HistoryBuilder(writer, STARTED_AT, SCENARIO);
  const fixed = options.version === 'v1.9.0';
  h.emit({ type: 'phase', name: 'setup' });
  h.advance(800).emit({ type: 'phase', name: 'baseline' });
  const checks: CheckResult[] = [];
  let n = 0;
  const wanted = options.iterations ?? 2;
  while (n < wanted || h.eventCount < (options.minEvents ?? 0)) {
    n++;
    const race = n % 2 === 0;
    if (n === 2) h.emit({ type: 'phase', name: 'faults' });
    // Only the first raced iteration meets the buggy BIM with an empty in-memory list (docs/longhorn.md#backing-image-manager).
    checks.push(...iteration(h, random, n, { race, fixed: fixed || n !== 2 }).checks);
    h.advance(1000);
    if (race)
      h.emit({ type: 'rule', action: 'remove', rule: LAG_RULE, counters: { matched: 4, applied: 3 } });
    h.advance(2000);
    // Background traffic the proxy passed untouched (faults.jsonl only) and a periodic store read.
    for (let i = 0; i < 5; i++)
      h.request('GetObject', `backupstore/system-backups/sb-${n}/system-backup.cfg`, null, 'pass');
    h.emit({
      type: 'store',
      backingImageConfigs: [
        { backingImage: `bi-${n}`, key: CFG(`bi-${n}`), completeTime: new Date(h.ts).toISOString() },
      ],
      systemBackups: [{ name: `sb-${n}`, version: 'v1.8.1', hasConfig: true, hasZip: true }],
      objectCount: 40 + n * 7,
    });
  }
  h.emit({ type: 'phase', name: 'heal' });
  h.advance(1000).emit({ type: 'phase', name: 'quiescence' });
  h.advance(2000).emit({ type: 'phase', name: 'check' });
  checks.push({
    name: 'dual-view',
    valid: true,
    severity: 'error',
    message: 'every Completed BBI has a complete backing-image.cfg',
    evidence: [],
    scenario: SCENARIO,
  });
  const verdict: Verdict = { valid: worstOf(checks), checks };
  const meta = metaFor(`${fixed ? 'pass' : 'fail'}-${seed}-${n}`, seed, options.version, n);
  await writer.writeMeta(meta);
  await writer.writeVerdict(verdict);
  await writer.close();
  await mkdir(join(runDir, 'logs'), { recursive: true });
  await writeFile(
    join(runDir, BIM_LOG),
    'time="2026-12-02T05:12:43Z" level=info msg="Backup BackingImage already exists, no need to perform backup"\n',
  );
  return { meta, verdict, events: h.eventCount };
}
