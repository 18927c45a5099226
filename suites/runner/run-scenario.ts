// One scenario, in phases (Jepsen's generator phases, prior-art 5.15): setup -> baseline -> faults ->
// heal -> quiescence, then the store read directly from MinIO and the scenario's own cleanup. Everything
// goes into the history; nothing here judges.
import type { Clock, SeededRandom } from '../../common/index.js';
import { DEFAULT_BACKUP_TARGET, type BackupTarget } from '../../fixtures/crds/index.js';
import type { DecisionRecord, RuleSpec } from '../../fault-injectors/s3-proxy/types.js';
import { readStore } from '../oracles/index.js';
import type { History, HistoryTap, OpRecorder } from '../harness/index.js';
import type { NewEvent, PhaseEvent } from '../../record/index.js';
import {
  cleanupRun,
  runSystemBackupIteration,
  type IterationOutcome,
  type LonghornClient,
} from '../workloads/index.js';
import { FaultController } from './faults.js';
import type { Scenario, ScheduleContext } from './scenarios.js';
import type { RunTarget } from './target.js';

export interface ScenarioRunOptions {
  target: RunTarget;
  client: LonghornClient;
  history: History;
  tap: HistoryTap;
  ops: OpRecorder;
  clock: Clock;
  random: SeededRandom;
  runId: string;
  /** The tag in the names of the objects the scenario creates (from the seed). */
  nameTag: string;
  /** The seed of the backing images' bytes (from the run's seed). */
  imageSeed: number;
  scenario: Scenario;
  scenarioIndex: number;
  iterations: number;
  baselineIterations: number;
  stallWindowMs: number;
  /** The run's paced clock: the workload's stall window is measured on it (docs/design.md#run-record). */
  pacedClock?: Clock;
  /** Monotonic time after which no new iteration starts. */
  deadline: number;
  signal: AbortSignal;
  onDecision: (decision: DecisionRecord) => void;
  /** The last decision id already recorded, shared by the run's scenarios (FaultControllerOptions.cursor). */
  decisionCursor?: { lastId: number };
  onIteration?: (state: { scenario: string; iteration: number; phase: string; state: string }) => void;
  /** Exposes the fault controller while it runs (the progress line reads its counters). */
  onFaults?: (faults: FaultController | undefined) => void;
  concurrentVolumeBackups?: boolean;
  /** Replay: these rules replace the scenario's own (triggers and the sync hammer still run). */
  replayRules?: RuleSpec[];
}

export interface ScenarioOutcome {
  scenario: string;
  iterations: IterationOutcome[];
}

function phase(history: History, name: PhaseEvent['name']): void {
  history.append({ type: 'phase', name } as NewEvent);
}

async function waitForBackupTarget(options: ScenarioRunOptions): Promise<BackupTarget> {
  const until = options.clock.monotonic() + 60_000;
  for (;;) {
    const target = await options.client.get<BackupTarget>('BackupTarget', DEFAULT_BACKUP_TARGET);
    if (target) return target;
    if (options.clock.monotonic() > until) throw new Error('BackupTarget default did not appear within 60 s');
    await options.clock.sleep(200, options.signal);
  }
}

/** Waits until no watch event arrived for `quietMs`, at most `maxMs`. */
async function waitForQuiet(options: ScenarioRunOptions, quietMs: number, maxMs: number): Promise<void> {
  const until = options.clock.monotonic() + maxMs;
  while (options.clock.monotonic() < until) {
    const event = await options.tap.next((e) => e.type === 'watch', quietMs, options.clock, options.signal);
    if (!event) return;
  }
}

export async function runScenario(options: ScenarioRunOptions): Promise<ScenarioOutcome> {
  const { history, scenario, client, target } = options;
  const ctx: ScheduleContext = {
    T: 1000 * target.timeFactor,
    timeFactor: target.timeFactor,
    syncResolutionMs: 1000,
    bimT: 1000 * target.bimTimeFactor,
  };
  history.setScenario(scenario.name);
  phase(history, 'setup');
  const backupTarget = await waitForBackupTarget(options);
  const originalPoll = backupTarget.spec.pollInterval;
  const changePoll = scenario.pollInterval !== undefined && scenario.pollInterval !== originalPoll;
  if (changePoll) {
    await options.ops.run('runner', 'set-poll-interval', { pollInterval: scenario.pollInterval }, () =>
      client.mergePatch('BackupTarget', DEFAULT_BACKUP_TARGET, {
        spec: { pollInterval: scenario.pollInterval },
      }),
    );
  }
  try {
    return await playPhases(options, ctx);
  } finally {
    // The environment is left as found, also when the run is interrupted.
    if (changePoll) {
      await client.mergePatch('BackupTarget', DEFAULT_BACKUP_TARGET, {
        spec: { pollInterval: originalPoll ?? null },
      });
    }
  }
}

async function playPhases(options: ScenarioRunOptions, ctx: ScheduleContext): Promise<ScenarioOutcome> {
  const { history, scenario, client, clock, target } = options;
  const faults = new FaultController({
    proxy: target.proxy,
    history,
    ops: options.ops,
    tap: options.tap,
    clock,
    random: options.random.derive('faults', scenario.name),
    holder: options.runId,
    leaseTtlMs: 15_000,
    clusterFaults: target.clusterFaults,
    kubeConfig: target.kubeConfig,
    namespace: target.namespace,
    onDecision: options.onDecision,
    ...(options.decisionCursor ? { cursor: options.decisionCursor } : {}),
    ownsBackingImage: (name) => name.startsWith('bi-') && ownedImages.has(name),
  });
  const ownedImages = new Set<string>();
  const outcomes: IterationOutcome[] = [];
  await faults.start();
  options.onFaults?.(faults);
  let iteration = 0;
  const runIteration = async (phaseName: string) => {
    options.signal.throwIfAborted();
    iteration++;
    options.onIteration?.({ scenario: scenario.name, iteration, phase: phaseName, state: 'creating' });
    const outcome = await runSystemBackupIteration({
      client,
      ops: options.ops,
      tap: options.tap,
      clock,
      runId: options.runId,
      nameTag: options.nameTag,
      scenario: scenario.name,
      scenarioIndex: options.scenarioIndex,
      iteration,
      backingImages: scenario.backingImages,
      volumesPerImage: scenario.volumesPerImage,
      backingImageUrl: target.backingImageUrl,
      imageSeed: options.imageSeed,
      // Only the iteration's fresh volumes get (first) backups: each requests a target sync (docs/longhorn.md#backuptarget-controller).
      volumeBackupPolicy: 'if-not-present',
      stallWindowMs: options.stallWindowMs,
      maxWaitMs: options.stallWindowMs * 10,
      ...(options.pacedClock ? { pacedClock: options.pacedClock } : {}),
      concurrentVolumeBackups: options.concurrentVolumeBackups ?? scenario.concurrentVolumeBackups,
      signal: options.signal,
      onImages: (names) => names.forEach((n) => ownedImages.add(n)),
    });
    outcomes.push(outcome);
    options.onIteration?.({ scenario: scenario.name, iteration, phase: phaseName, state: outcome.result });
  };
  const timeLeft = () => clock.monotonic() < options.deadline && !options.signal.aborted;
  try {
    if (options.baselineIterations > 0) {
      phase(history, 'baseline');
      for (let i = 0; i < options.baselineIterations && timeLeft(); i++) await runIteration('baseline');
    }
    phase(history, 'faults');
    await faults.beginFaults(scenario, ctx, options.replayRules);
    for (let i = 0; i < options.iterations && (i === 0 || timeLeft()); i++) await runIteration('faults');
  } finally {
    phase(history, 'heal');
    await faults.heal();
  }
  // An aborted scenario stops here, healed: it throws instead of reading the store, so the record never
  // shows it as finished (completion.ts judges a scenario without its store read as cut short).
  options.signal.throwIfAborted();
  phase(history, 'quiescence');
  if (scenario.faultClass === 'destructive') await runIteration('recovery');
  else await waitForQuiet(options, Math.max(200, 10 * ctx.T), Math.max(2000, 60 * ctx.T));
  await faults.stop();
  options.onFaults?.(undefined);
  const store = await readStore({ ...target.store, backupTargetURL: target.backupTargetURL, clock });
  history.append({ ...store, type: 'store' } as NewEvent);
  // What follows (cleanup) is not part of the scenario's story: its checkers end at the store read.
  history.setScenario(undefined);
  const cleaned = await cleanupRun({
    client,
    clock,
    runId: options.runId,
    forceFinalizers: target.env === 'local',
  });
  history.append({
    type: 'log',
    level: cleaned.remaining.length > 0 ? 'warn' : 'info',
    source: 'runner',
    message: `scenario cleanup: ${cleaned.deleted.length} deleted, ${cleaned.forced.length} forced, ${cleaned.remaining.length} left`,
    fields: { ...cleaned },
  } as NewEvent);
  return { scenario: scenario.name, iterations: outcomes };
}
