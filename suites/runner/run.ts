// A whole chaos run: target up, observer on, each scenario in phases, teardown in reverse, then the
// verdict judged from the written record (exactly what `lhchaos report` does) and the exit code. The run
// stops at verdict.json: rendering JUnit, HTML or a summary is the caller's job (reports/).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SeededRandom, describeError, systemClock, type Clock } from '../../common/index.js';
import {
  readHistory,
  RunRecordWriter,
  type NewEvent,
  type RunMeta,
  type Verdict,
} from '../../record/index.js';
import { RUN_WATCHED_KINDS, startObserver, type ObserverStats } from '../oracles/index.js';
import { History, HistoryTap, OpRecorder } from '../harness/index.js';
import { imageSeed, LonghornClient, nameTag } from '../workloads/index.js';
import { judgeRun } from './check.js';
import { INTERRUPTED } from './completion.js';
import { startCoLoad, type CoLoadBreach, type CoLoadHandle } from './co-load.js';
import type { FaultController } from './faults.js';
import type { Profile } from './profiles.js';
import { buildReplayRules, type ReplayPlan } from './replay.js';
import { runScenario, type ScenarioOutcome, type ScenarioRunOptions } from './run-scenario.js';
import type { Scenario } from './scenarios.js';
import { soakReport, writeSoakReport, type SoakReport } from './soak.js';
import { TaskStack } from './tasks.js';
import {
  clearEarlierRunOfSeed,
  deferRunCleanup,
  initialMeta,
  openRunTarget,
  runPace,
  seedTheProxy,
  startPacing,
} from './run-setup.js';
import { checkReusedEnvironment } from './reused-env.js';
import type { StoreAccess } from './target.js';

export interface ChaosRunOptions {
  env: 'local' | 'kube';
  envDir?: string;
  kubeconfig?: string;
  context?: string;
  profile: Profile;
  scenarios: Scenario[];
  seed: number;
  iterations?: number;
  durationMs?: number;
  longhorn: string;
  /** Local: Longhorn's own backing-image-manager (`real`) or the model's; ignored on a cluster. */
  bim?: 'real' | 'model';
  simBugs: string[];
  /**
   * Local: `real` runs longhorn-manager's own BackupTarget, BackupBackingImage and SystemBackup
   * controllers (fixtures/manager-harness) at Longhorn's own speed (time factor 1); `model` (default)
   * runs the simulator's.
   */
  manager?: 'real' | 'model';
  outDir: string;
  timeFactor?: number;
  kube?: { proxyControlUrl?: string; store?: StoreAccess; backingImageUrl?: string };
  /** Run the k6 co-load beside the system backups; a threshold breach is a warning or a failure. */
  coLoad?: CoLoadBreach;
  /** Kube: the `cluster up` directory and its seed (recorded; the run's own seed replaces it). */
  cluster?: { dir: string; seed: number };
  /** Replay the fault decisions of this recorded run instead of the scenarios' own rules. */
  replayFrom?: string;
  repro: string;
  argv?: string[];
  signal?: AbortSignal;
  /** Aborted (a second Ctrl-C): the teardown hurries; it still stops every process and heals. */
  hurry?: AbortSignal;
  clock?: Clock;
  onProgress?: (progress: RunProgress) => void;
  onLog?: (message: string) => void;
  /** Called as the run enters each phase (bench/run times them). */
  onPhase?: (phase: RunPhase) => void;
}

/** The phases of a run, in order: what `bench/run` breaks its wall and CPU time down by (its caller renders). */
export type RunPhase = 'environment-up' | 'scenarios' | 'teardown' | 'judging';

export interface RunProgress {
  scenario: string;
  iteration: number;
  phase: string;
  state: string;
  faultsFired: number;
}

export interface ChaosRunResult {
  runId: string;
  runDir: string;
  meta: RunMeta;
  verdict: Verdict;
  exitCode: 0 | 1 | 3;
  outcomes: ScenarioOutcome[];
  /** The observer's request counts (for the bench). */
  observerStats?: ObserverStats;
  /** Qualification only: failure rate with a Wilson interval, time to first failure. */
  soak?: SoakReport;
}

/**
 * A run id: the start time, the seed, and a random suffix that keeps two runs of the same seed in the same
 * second apart. The id only labels and files a run; nothing a run does depends on it (names come from the
 * seed: `nameTag`), so the suffix costs no repeatability.
 */
export function makeRunId(clock: Clock, seed: number): string {
  const stamp = new Date(clock.now()).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-s${seed}-${randomBytes(3).toString('hex')}`;
}

export function exitCodeFor(verdict: Verdict): 0 | 1 | 3 {
  return verdict.valid === true ? 0 : verdict.valid === false ? 1 : 3;
}

export async function runChaos(options: ChaosRunOptions): Promise<ChaosRunResult> {
  options.onPhase?.('environment-up');
  const clock = options.clock ?? systemClock;
  const runId = makeRunId(clock, options.seed);
  const runDir = join(options.outDir, runId);
  // A bad --env-dir is bad usage: refused before anything is written (the commands check it before they
  // build anything too; this keeps it so for every caller of the runner).
  await checkReusedEnvironment(options);
  const writer = await RunRecordWriter.create(runDir);
  const tap = new HistoryTap();
  const history = new History({
    clock,
    sink: (event) => {
      writer.append(event);
      tap.deliver(event);
    },
  });
  const ops = new OpRecorder(history);
  const tasks = new TaskStack();
  const log = options.onLog ?? (() => {});
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(options.signal?.reason ?? new Error('interrupted'));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const onHurry = () => tasks.hurry();
  if (options.hurry?.aborted) onHurry();
  options.hurry?.addEventListener('abort', onHurry, { once: true });
  const random = new SeededRandom(options.seed);
  const pace = runPace(options);
  const { timeFactor, stallWindowMs } = pace;
  const iterations = options.iterations ?? options.profile.iterations;
  const names = nameTag(options.seed);
  const meta = initialMeta(options, { runId, nameTag: names, iterations, startedAt: clock.now() }, pace);
  const outcomes: ScenarioOutcome[] = [];
  let faultsNow: FaultController | undefined;
  let coLoad: CoLoadHandle | undefined;
  let observerStats: ObserverStats | undefined;
  // Written at once (and again when more is known): a record cut short still says what it was meant to be.
  await writer.writeMeta(meta);
  history.append({ type: 'phase', name: 'setup' } as NewEvent);
  let replay: ReplayPlan | undefined;
  try {
    if (options.replayFrom) replay = await loadReplay(options.replayFrom, names, history, log);
    const target = await openRunTarget(options, {
      runDir,
      timeFactor,
      clock,
      tasks,
      signal: abort.signal,
      history,
      log,
      onEnvironmentDir: async (dir, owned) => {
        meta.environment = { dir, owned };
        await writer.writeMeta(meta);
      },
    });
    await seedTheProxy(target, options.seed, history, log);
    const pacing = await startPacing(target, { history, clock, tasks });
    meta.pace = pacing.pace;
    meta.longhorn = target.longhorn;
    meta.tools = target.tools;
    meta.components = target.components;
    if (target.logs.length > 0) meta.logs = target.logs;
    await writer.writeMeta(meta);
    const client = new LonghornClient(target.kubeConfig, target.namespace);
    deferRunCleanup(tasks, { target, client, clock, runId, faults: () => faultsNow, log });
    await clearEarlierRunOfSeed({ target, client, clock, seed: options.seed, nameTag: names, history, log });
    const observer = await startObserver({
      kubeConfig: target.kubeConfig,
      namespace: target.namespace,
      kinds: RUN_WATCHED_KINDS,
      history,
      clock,
      relistIntervalMs: 30_000,
      silenceMs: 60_000,
    });
    tasks.defer('stop the observer', async () => {
      observerStats = await observer.stop();
    });
    if (options.coLoad)
      coLoad = await startCoLoad({
        target,
        history,
        tasks,
        runDir,
        seed: options.seed,
        signal: abort.signal,
        breach: options.coLoad,
      });
    options.onPhase?.('scenarios');
    await playScenarios(options, {
      target,
      client,
      history,
      tap,
      ops,
      clock,
      random,
      runId,
      nameTag: names,
      iterations,
      stallWindowMs,
      ...(pacing.pacedClock ? { pacedClock: pacing.pacedClock } : {}),
      signal: abort.signal,
      writer,
      replay,
      outcomes,
      log,
      onFaults: (f) => (faultsNow = f),
      faultsFired: () => faultsNow?.faultsFired ?? 0,
    });
    history.setScenario(undefined);
    if (coLoad) await coLoad.finish();
  } catch (error) {
    history.setScenario(undefined);
    history.append({
      type: 'log',
      level: 'error',
      source: 'runner',
      message: describeError(error),
    } as NewEvent);
    log(describeError(error));
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    await tearDown({ history, tasks, interrupted: abort.signal, log, onPhase: options.onPhase });
    options.hurry?.removeEventListener('abort', onHurry);
  }
  const verdict = await closeAndJudge({
    history,
    writer,
    meta,
    runDir,
    clock,
    coLoad,
    onPhase: options.onPhase,
  });
  const soak = options.profile.soak ? soakReport(outcomes, verdict) : undefined;
  if (soak) await writeSoakReport(runDir, soak);
  return {
    runId,
    runDir,
    meta,
    verdict,
    exitCode: exitCodeFor(verdict),
    outcomes,
    observerStats,
    soak,
  };
}

/** What every scenario of the run shares: passed through to runScenario as it is. */
type SharedScenarioOptions = Pick<
  ScenarioRunOptions,
  | 'target'
  | 'client'
  | 'history'
  | 'tap'
  | 'ops'
  | 'clock'
  | 'random'
  | 'runId'
  | 'nameTag'
  | 'iterations'
  | 'stallWindowMs'
  | 'pacedClock'
  | 'signal'
>;

interface PlayContext extends SharedScenarioOptions {
  writer: RunRecordWriter;
  replay: ReplayPlan | undefined;
  /** Filled with each scenario's outcome as it ends. */
  outcomes: ScenarioOutcome[];
  log: (message: string) => void;
  onFaults: (faults: FaultController | undefined) => void;
  faultsFired: () => number;
}

/**
 * The scenarios in order, within the run's budget, until the run is interrupted. A scenario that fails is
 * recorded and the next one still plays; an interrupted one says so.
 */
async function playScenarios(options: ChaosRunOptions, run: PlayContext): Promise<void> {
  const { history, clock, signal } = run;
  const deadline = clock.monotonic() + (options.durationMs ?? options.profile.budgetMs);
  // One cursor into the proxy's decision log for the whole run: a scenario's fault controller goes on
  // where the last one stopped, so no decision is recorded twice.
  const decisionCursor = { lastId: 0 };
  for (const [index, scenario] of options.scenarios.entries()) {
    if (signal.aborted) break;
    try {
      run.outcomes.push(
        await runScenario({
          target: run.target,
          client: run.client,
          history,
          tap: run.tap,
          ops: run.ops,
          clock,
          random: run.random.derive('scenario', scenario.name),
          runId: run.runId,
          nameTag: run.nameTag,
          imageSeed: imageSeed(options.seed),
          scenario,
          scenarioIndex: index,
          iterations: run.iterations,
          baselineIterations: options.profile.baselineIterations,
          stallWindowMs: run.stallWindowMs,
          ...(run.pacedClock ? { pacedClock: run.pacedClock } : {}),
          deadline,
          signal,
          onDecision: (decision) => run.writer.appendDecision(decision),
          decisionCursor,
          replayRules: run.replay ? (run.replay.rulesByScenario.get(scenario.name) ?? []) : undefined,
          onFaults: run.onFaults,
          onIteration: (p) => options.onProgress?.({ ...p, faultsFired: run.faultsFired() }),
        }),
      );
    } catch (error) {
      const message = signal.aborted
        ? `${INTERRUPTED} in this scenario: ${describeError(signal.reason)}`
        : describeError(error);
      history.append({
        type: 'log',
        level: 'error',
        source: 'runner',
        message,
        scenario: scenario.name,
      } as NewEvent);
      run.log(`scenario ${scenario.name}: ${message}`);
    }
  }
}

/** The record closed (finish time, co-load result, every event on disk), then judged from what it holds. */
async function closeAndJudge(run: {
  history: History;
  writer: RunRecordWriter;
  meta: RunMeta;
  runDir: string;
  clock: Clock;
  coLoad: CoLoadHandle | undefined;
  onPhase: ChaosRunOptions['onPhase'];
}): Promise<Verdict> {
  const { history, writer, meta } = run;
  history.append({ type: 'phase', name: 'check' } as NewEvent);
  meta.finishedAt = new Date(run.clock.now()).toISOString();
  if (run.coLoad?.result) meta.coLoad = run.coLoad.result;
  await history.flush();
  await writer.drained();
  await writer.writeMeta(meta);
  await writer.close();
  run.onPhase?.('judging');
  const verdict = await judgeRun(() => readHistory(run.runDir), meta);
  await writer.writeVerdict(verdict);
  return verdict;
}

/** The recorded run's decisions as rules; what could not be carried over is said in the history. */
async function loadReplay(
  fromRunDir: string,
  names: string,
  history: History,
  log: (message: string) => void,
): Promise<ReplayPlan> {
  const replay = await buildReplayRules(fromRunDir, names);
  for (const note of replay.notes) {
    history.append({ type: 'log', level: 'info', source: 'replay', message: note } as NewEvent);
    log(`replay: ${note}`);
  }
  return replay;
}

/** Every deferred step undone in reverse; a failed step is a warning, and the next still runs. */
async function tearDown(run: {
  history: History;
  tasks: TaskStack;
  interrupted: AbortSignal;
  log: (message: string) => void;
  onPhase: ChaosRunOptions['onPhase'];
}): Promise<void> {
  const { history, tasks, log } = run;
  history.setScenario(undefined);
  // Wherever the abort came (setup, a scenario, between scenarios), the record says so: the judge then
  // treats the run as cut short (completion.ts), whatever the steps themselves made of it.
  if (run.interrupted.aborted) {
    const message = `${INTERRUPTED}: ${describeError(run.interrupted.reason)}`;
    history.append({ type: 'log', level: 'error', source: 'runner', message } as NewEvent);
  }
  history.append({ type: 'phase', name: 'teardown' } as NewEvent);
  run.onPhase?.('teardown');
  const failures = await tasks.unwind((title) => log(`teardown: ${title}`));
  for (const failure of failures) {
    history.append({
      type: 'log',
      level: 'warn',
      source: 'runner',
      message: `teardown step failed: ${failure.title}: ${describeError(failure.error)}`,
    } as NewEvent);
  }
}
