// The setup steps of a run (runChaos in run.ts): its pace (time factor, stall window, paced time), its
// first meta.json, the target it runs against, the proxy taking the run's seed, the teardown of what the
// run creates, and the clearing of what an earlier run of the same seed left in a reused environment.
import type { Clock } from '../../common/index.js';
import type { ManagerEvent } from '../../fixtures/local/index.js';
import type { KubeEventRecord, NewEvent, RunMeta } from '../../record/index.js';
import { Pacer, procSchedstat, schedstatAvailable, type History } from '../harness/index.js';
import { cleanupRun, type LonghornClient } from '../workloads/index.js';
import type { FaultController } from './faults.js';
import { clearSeedLeftovers } from './leftovers.js';
import type { ChaosRunOptions } from './run.js';
import type { TaskStack } from './tasks.js';
import { openKubeTarget, openLocalTarget, type RunTarget } from './target.js';

export interface RunPace {
  /** The factor on Longhorn's timings the run goes at. */
  timeFactor: number;
  /**
   * How long a non-final state may last without a change (no-stuck-state), in paced ms: wall ms slowed
   * by the CPU share the run's processes got (docs/design.md#run-record); wall ms where that cannot be
   * measured (startPacing says which).
   */
  stallWindowMs: number;
}

export function runPace(options: ChaosRunOptions): RunPace {
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
  return { timeFactor, stallWindowMs };
}

/**
 * Paced time for the run's processes (the target names them), sampled into the history until the
 * teardown; wall time, and meta.json says why, where their CPU accounting cannot be read.
 */
export async function startPacing(
  target: Pick<RunTarget, 'paceProcesses'>,
  run: { history: History; clock: Clock; tasks: TaskStack },
): Promise<{ pace: NonNullable<RunMeta['pace']>; pacedClock?: Clock }> {
  if (!target.paceProcesses) {
    return {
      pace: {
        clock: 'wall',
        reason: "the run's processes are remote (a cluster): their CPU share is not read",
      },
    };
  }
  if (!(await schedstatAvailable())) {
    return {
      pace: { clock: 'wall', reason: 'this system has no per-thread /proc/<pid>/task/<tid>/schedstat' },
    };
  }
  const pacer = new Pacer({
    history: run.history,
    clock: run.clock,
    source: procSchedstat(target.paceProcesses),
  });
  await pacer.start();
  run.tasks.defer('stop pacing (a last pace sample)', () => pacer.stop());
  return { pace: { clock: 'paced', sampleIntervalMs: pacer.intervalMs }, pacedClock: pacer.clock };
}

/** What meta.json says before anything ran: a record cut short still says what it was meant to be. */
export function initialMeta(
  options: ChaosRunOptions,
  run: { runId: string; nameTag: string; iterations: number; startedAt: number },
  pace: RunPace,
): RunMeta {
  return {
    runId: run.runId,
    seed: options.seed,
    nameTag: run.nameTag,
    profile: options.profile.name,
    env: options.env,
    startedAt: new Date(run.startedAt).toISOString(),
    repro: options.repro,
    longhorn: { version: options.longhorn, simulated: options.env === 'local', bugs: options.simBugs },
    tools: {},
    scenarios: options.scenarios.map((s) => ({
      name: s.name,
      description: s.description,
      iterations: run.iterations,
      faultClass: s.faultClass,
    })),
    timeFactor: pace.timeFactor,
    stallWindowMs: pace.stallWindowMs,
    pollInterval: options.profile.pollInterval,
    argv: options.argv,
    ...(options.cluster ? { cluster: options.cluster } : {}),
  };
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

export interface TargetContext {
  runDir: string;
  timeFactor: number;
  clock: Clock;
  tasks: TaskStack;
  signal: AbortSignal;
  history: History;
  log: (message: string) => void;
  /** The local environment's folder, as soon as it exists (meta.json names it). */
  onEnvironmentDir: (dir: string, owned: boolean) => Promise<void>;
}

/** The embedded environment with the simulator (local), or a cluster through its in-cluster proxy (kube). */
export async function openRunTarget(options: ChaosRunOptions, context: TargetContext): Promise<RunTarget> {
  const { history } = context;
  if (options.env !== 'local') {
    return openKubeTarget({
      kubeconfig: options.kubeconfig,
      context: options.context,
      proxyControlUrl: options.kube?.proxyControlUrl,
      store: options.kube?.store,
      backingImageUrl: options.kube?.backingImageUrl,
      longhornVersion: options.longhorn,
      clock: context.clock,
    });
  }
  return openLocalTarget({
    envDir: options.envDir,
    longhorn: options.longhorn,
    bim: options.bim ?? 'model',
    runDir: context.runDir,
    simBugs: options.simBugs,
    manager: options.manager ?? 'model',
    pollInterval: options.profile.pollInterval,
    seed: options.seed,
    timeFactor: context.timeFactor,
    clock: context.clock,
    tasks: context.tasks,
    signal: context.signal,
    onEnvironmentDir: context.onEnvironmentDir,
    onProgress: context.log,
    onManagerEvent: (event) => history.append(kubeEventRecord(event) as NewEvent),
    onSimulatorLog: (line) => {
      if (line.level !== 'warn' && line.level !== 'error') return;
      const { ts: _ts, level, component, msg, ...fields } = line;
      history.append({ type: 'log', level, source: `sim/${component}`, message: msg, fields } as NewEvent);
    },
  });
}

/**
 * Every rule's random stream derives from the run's seed, also at an in-cluster proxy that `cluster up`
 * started with the cluster's seed. A proxy that does not take it is a warning in the history.
 */
export async function seedTheProxy(
  target: RunTarget,
  seed: number,
  history: History,
  log: (message: string) => void,
): Promise<void> {
  await target.proxy.reset({ seed });
  const proxySeed = (await target.proxy.metrics()).seed;
  if (proxySeed === seed) return;
  const message =
    `the fault proxy did not take the run's seed ${seed} (it reports ${String(proxySeed)}): ` +
    'its decisions will not repeat with this seed';
  history.append({ type: 'log', level: 'warn', source: 'runner', message } as NewEvent);
  log(message);
}

/** Undone in reverse at the teardown: the proxy healed last-resort, then the run's CRs removed. */
export function deferRunCleanup(
  tasks: TaskStack,
  run: {
    target: RunTarget;
    client: LonghornClient;
    clock: Clock;
    runId: string;
    faults: () => FaultController | undefined;
    log: (message: string) => void;
  },
): void {
  const { target, client, clock, runId } = run;
  tasks.defer('remove the CRs of the run', async (hurry) => {
    // In a hurry, the run's own environment goes as a whole right after this: no need to tidy it.
    if (hurry.aborted && target.envOwned) return;
    const report = await cleanupRun({ client, clock, runId, forceFinalizers: target.env === 'local', hurry });
    if (report.remaining.length > 0) run.log(`cleanup left ${report.remaining.join(', ')}`);
  });
  tasks.defer('heal the proxy (remove rules, reset, release the lease)', async () => {
    const faults = run.faults();
    await faults?.heal().catch(() => undefined);
    await faults?.stop().catch(() => undefined);
    await target.proxy.reset();
    await target.proxy.releaseLease(runId).catch(() => undefined);
  });
}

/** A reused environment may hold what an earlier run of this seed left, under this run's names. */
export async function clearEarlierRunOfSeed(run: {
  target: RunTarget;
  client: LonghornClient;
  clock: Clock;
  seed: number;
  nameTag: string;
  history: History;
  log: (message: string) => void;
}): Promise<void> {
  const { target } = run;
  if (target.envOwned) return;
  const cleared = await clearSeedLeftovers({
    store: target.store,
    backupTargetURL: target.backupTargetURL,
    client: run.client,
    clock: run.clock,
    nameTag: run.nameTag,
    forceFinalizers: target.env === 'local',
  });
  if (cleared.storeKeys === 0 && cleared.resources.length === 0 && cleared.remaining.length === 0) return;
  const message =
    `removed what an earlier run with seed ${run.seed} left: ${cleared.storeKeys} store object(s), ` +
    `${cleared.resources.length} resource(s)` +
    (cleared.remaining.length > 0 ? `; could not remove ${cleared.remaining.join(', ')}` : '');
  const level = cleared.remaining.length > 0 ? 'warn' : 'info';
  run.history.append({ type: 'log', level, source: 'runner', message, fields: { ...cleared } } as NewEvent);
  run.log(message);
}
