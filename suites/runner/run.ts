// A whole chaos run: target up, observer on, each scenario in phases, teardown in reverse, then the
// verdict judged from the written record (exactly what `lhchaos report` does) and the exit code. The run
// stops at verdict.json: rendering JUnit, HTML or a summary is the caller's job (reports/).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SeededRandom, describeError, systemClock, type Clock } from '../../common/index.js';
import type { ManagerEvent } from '../../fixtures/local/index.js';
import {
  readHistory,
  RunRecordWriter,
  type KubeEventRecord,
  type NewEvent,
  type RunMeta,
  type Verdict,
} from '../../record/index.js';
import { RUN_WATCHED_KINDS, startObserver, type ObserverStats } from '../oracles/index.js';
import { History, HistoryTap, OpRecorder } from '../harness/index.js';
import { cleanupRun, imageSeed, LonghornClient, nameTag } from '../workloads/index.js';
import { judgeRun } from './check.js';
import { INTERRUPTED } from './completion.js';
import { clearSeedLeftovers } from './leftovers.js';
import { startCoLoad, type CoLoadBreach, type CoLoadHandle } from './co-load.js';
import type { FaultController } from './faults.js';
import type { Profile } from './profiles.js';
import { buildReplayRules, type ReplayPlan } from './replay.js';
import { runScenario, type ScenarioOutcome } from './run-scenario.js';
import type { Scenario } from './scenarios.js';
import { soakReport, writeSoakReport, type SoakReport } from './soak.js';
import { TaskStack } from './tasks.js';
import {
  openKubeTarget,
  openLocalTarget,
  readReusedEnvironment,
  type RunTarget,
  type StoreAccess,
} from './target.js';

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

/** A Kubernetes event of the real manager as a history record. */
function kubeEventRecord(event: ManagerEvent): Omit<KubeEventRecord, 'id' | 't' | 'ts'> {
  return {
    type: 'kube-event',
    component: event.component,
    eventType: event.type,
    reason: event.reason,
    message: event.message,
    involved: event.involved,
    action: event.action,
    count: event.count,
    emittedAt: Date.parse(event.observedAt),
  };
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
  // A bad --env-dir is bad usage: refused before anything is written.
  if (options.env === 'local' && options.envDir !== undefined) await readReusedEnvironment(options.envDir);
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
  const realManager = options.env === 'local' && options.manager === 'real';
  // Longhorn's own longhorn-manager cannot be sped up: with it the whole run goes at Longhorn's speed.
  const timeFactor =
    options.timeFactor ?? (options.env === 'local' && !realManager ? options.profile.timeFactor : 1);
  const realBim = options.env === 'local' && options.bim === 'real';
  // The stall window is in Longhorn seconds. Longhorn's own backing-image-manager runs in Longhorn's
  // real time whatever the time factor (a BackupCreate that waits for the store lock behind another
  // upload stays New for tens of seconds on a loaded machine): with it, the window is not scaled down.
  const stallWindowMs = Math.round(
    options.profile.stallWindowT * 1000 * (realBim ? Math.max(1, timeFactor) : timeFactor),
  );
  const iterations = options.iterations ?? options.profile.iterations;
  const names = nameTag(options.seed);
  const meta: RunMeta = {
    runId,
    seed: options.seed,
    nameTag: names,
    profile: options.profile.name,
    env: options.env,
    startedAt: new Date(clock.now()).toISOString(),
    repro: options.repro,
    longhorn: { version: options.longhorn, simulated: options.env === 'local', bugs: options.simBugs },
    tools: {},
    scenarios: options.scenarios.map((s) => ({
      name: s.name,
      description: s.description,
      iterations,
      faultClass: s.faultClass,
    })),
    timeFactor,
    stallWindowMs,
    pollInterval: options.profile.pollInterval,
    argv: options.argv,
    ...(options.cluster ? { cluster: options.cluster } : {}),
  };
  const outcomes: ScenarioOutcome[] = [];
  let faultsNow: FaultController | undefined;
  let coLoad: CoLoadHandle | undefined;
  let observerStats: ObserverStats | undefined;
  // Written at once (and again when more is known): a record cut short still says what it was meant to be.
  await writer.writeMeta(meta);
  history.append({ type: 'phase', name: 'setup' } as NewEvent);
  let replay: ReplayPlan | undefined;
  try {
    if (options.replayFrom) {
      replay = await buildReplayRules(options.replayFrom, names);
      for (const note of replay.notes) {
        history.append({ type: 'log', level: 'info', source: 'replay', message: note } as NewEvent);
        log(`replay: ${note}`);
      }
    }
    const target: RunTarget =
      options.env === 'local'
        ? await openLocalTarget({
            envDir: options.envDir,
            longhorn: options.longhorn,
            bim: options.bim ?? 'model',
            runDir,
            simBugs: options.simBugs,
            manager: options.manager ?? 'model',
            pollInterval: options.profile.pollInterval,
            seed: options.seed,
            timeFactor,
            clock,
            tasks,
            signal: abort.signal,
            onEnvironmentDir: async (dir, owned) => {
              meta.environment = { dir, owned };
              await writer.writeMeta(meta);
            },
            onProgress: log,
            onManagerEvent: (event) => history.append(kubeEventRecord(event) as NewEvent),
            onSimulatorLog: (line) => {
              if (line.level !== 'warn' && line.level !== 'error') return;
              const { ts: _ts, level, component, msg, ...fields } = line;
              history.append({
                type: 'log',
                level,
                source: `sim/${component}`,
                message: msg,
                fields,
              } as NewEvent);
            },
          })
        : openKubeTarget({
            kubeconfig: options.kubeconfig,
            context: options.context,
            proxyControlUrl: options.kube?.proxyControlUrl,
            store: options.kube?.store,
            backingImageUrl: options.kube?.backingImageUrl,
            longhornVersion: options.longhorn,
            clock,
          });
    // Every rule's random stream derives from the run's seed, also at an in-cluster proxy that `cluster up`
    // started with the cluster's seed.
    await target.proxy.reset({ seed: options.seed });
    const proxySeed = (await target.proxy.metrics()).seed;
    if (proxySeed !== options.seed) {
      const message =
        `the fault proxy did not take the run's seed ${options.seed} (it reports ${String(proxySeed)}): ` +
        'its decisions will not repeat with this seed';
      history.append({ type: 'log', level: 'warn', source: 'runner', message } as NewEvent);
      log(message);
    }
    meta.longhorn = target.longhorn;
    meta.tools = target.tools;
    meta.components = target.components;
    if (target.logs.length > 0) meta.logs = target.logs;
    await writer.writeMeta(meta);
    const client = new LonghornClient(target.kubeConfig, target.namespace);
    // Undo in reverse: proxy healed last-resort, then the run's CRs, then (earlier) the target itself.
    tasks.defer('remove the CRs of the run', async (hurry) => {
      // In a hurry, the run's own environment goes as a whole right after this: no need to tidy it.
      if (hurry.aborted && target.envOwned) return;
      const report = await cleanupRun({
        client,
        clock,
        runId,
        forceFinalizers: target.env === 'local',
        hurry,
      });
      if (report.remaining.length > 0) log(`cleanup left ${report.remaining.join(', ')}`);
    });
    tasks.defer('heal the proxy (remove rules, reset, release the lease)', async () => {
      await faultsNow?.heal().catch(() => undefined);
      await faultsNow?.stop().catch(() => undefined);
      await target.proxy.reset();
      await target.proxy.releaseLease(runId).catch(() => undefined);
    });
    // A reused environment may hold what an earlier run of this seed left, under this run's names.
    if (!target.envOwned) {
      const cleared = await clearSeedLeftovers({
        store: target.store,
        backupTargetURL: target.backupTargetURL,
        client,
        clock,
        nameTag: names,
        forceFinalizers: target.env === 'local',
      });
      if (cleared.storeKeys > 0 || cleared.resources.length > 0 || cleared.remaining.length > 0) {
        const message =
          `removed what an earlier run with seed ${options.seed} left: ${cleared.storeKeys} store object(s), ` +
          `${cleared.resources.length} resource(s)` +
          (cleared.remaining.length > 0 ? `; could not remove ${cleared.remaining.join(', ')}` : '');
        const level = cleared.remaining.length > 0 ? 'warn' : 'info';
        history.append({ type: 'log', level, source: 'runner', message, fields: { ...cleared } } as NewEvent);
        log(message);
      }
    }
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
    const deadline = clock.monotonic() + (options.durationMs ?? options.profile.budgetMs);
    for (const [index, scenario] of options.scenarios.entries()) {
      if (abort.signal.aborted) break;
      try {
        outcomes.push(
          await runScenario({
            target,
            client,
            history,
            tap,
            ops,
            clock,
            random: random.derive('scenario', scenario.name),
            runId,
            nameTag: names,
            imageSeed: imageSeed(options.seed),
            scenario,
            scenarioIndex: index,
            iterations,
            baselineIterations: options.profile.baselineIterations,
            stallWindowMs,
            deadline,
            signal: abort.signal,
            onDecision: (decision) => writer.appendDecision(decision),
            replayRules: replay ? (replay.rulesByScenario.get(scenario.name) ?? []) : undefined,
            onFaults: (f) => (faultsNow = f),
            onIteration: (p) => options.onProgress?.({ ...p, faultsFired: faultsNow?.faultsFired ?? 0 }),
          }),
        );
      } catch (error) {
        const message = abort.signal.aborted
          ? `${INTERRUPTED} in this scenario: ${describeError(abort.signal.reason)}`
          : describeError(error);
        history.append({
          type: 'log',
          level: 'error',
          source: 'runner',
          message,
          scenario: scenario.name,
        } as NewEvent);
        log(`scenario ${scenario.name}: ${message}`);
      }
    }
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
    history.setScenario(undefined);
    // Wherever the abort came (setup, a scenario, between scenarios), the record says so: the judge then
    // treats the run as cut short (completion.ts), whatever the steps themselves made of it.
    if (abort.signal.aborted) {
      const message = `${INTERRUPTED}: ${describeError(abort.signal.reason)}`;
      history.append({ type: 'log', level: 'error', source: 'runner', message } as NewEvent);
    }
    history.append({ type: 'phase', name: 'teardown' } as NewEvent);
    options.onPhase?.('teardown');
    const failures = await tasks.unwind((title) => log(`teardown: ${title}`));
    options.hurry?.removeEventListener('abort', onHurry);
    for (const failure of failures) {
      history.append({
        type: 'log',
        level: 'warn',
        source: 'runner',
        message: `teardown step failed: ${failure.title}: ${describeError(failure.error)}`,
      } as NewEvent);
    }
  }
  history.append({ type: 'phase', name: 'check' } as NewEvent);
  meta.finishedAt = new Date(clock.now()).toISOString();
  if (coLoad?.result) meta.coLoad = coLoad.result;
  await history.flush();
  await writer.drained();
  await writer.writeMeta(meta);
  await writer.close();
  options.onPhase?.('judging');
  const verdict = await judgeRun(() => readHistory(runDir), meta);
  await writer.writeVerdict(verdict);
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
