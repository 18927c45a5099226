// What a run acts on. Local: a private (or given) embedded environment, the fault proxy in front of its
// MinIO and the simulator pointed at the proxy. Kube: a real cluster whose Longhorn already talks to an
// in-cluster proxy; the runner reaches the proxy's control URL and MinIO directly. Everything started
// here is torn down through the TaskStack, in reverse.
import type { KubeConfig } from '@kubernetes/client-node';
import { EnvironmentError, UsageError, type Clock } from '../../common/index.js';
import { ProxyClient, startS3Proxy } from '../../fault-injectors/index.js';
import {
  kubeClusterFaults,
  simulatorClusterFaults,
  type ClusterFaults,
} from '../../fault-injectors/cluster/index.js';
import type { ProxyControl } from '../../fault-injectors/s3-proxy/types.js';
import {
  collectStaleEnvironments,
  createOwnedEnvironmentDir,
  readEnvironment,
  startLocalEnvironment,
  startManager,
  stopLocalEnvironment,
  type EnvJson,
  type ProcessHost,
  type ManagerEvent,
  type RealManagerVersion,
} from '../../fixtures/local/index.js';
import { KeepAliveKubeConfig } from '../../fixtures/crds/index.js';
import { realBackingImageManagerFor } from '../../fixtures/bim/index.js';
import { startSimulator, type LonghornVersion, type SimLogLine } from '../../fixtures/simulator/index.js';
import type { Component, RunMeta } from '../../record/index.js';
import { bimLogsOf, keepLogs, logOf, realDiskManagers, type KeptLog } from './real-bim.js';
import type { TaskStack } from './tasks.js';
import { KEYS } from './scenarios.js';
import { checkReusedEnvironment, restartBackingImageManagers } from './reused-env.js';

export interface StoreAccess {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

export interface RunTarget {
  env: 'local' | 'kube';
  kubeConfig: KubeConfig;
  namespace: string;
  proxy: ProxyControl;
  proxyControlUrl: string;
  /** The proxy's S3 data URL, when the runner can reach it (co-load goes through the faults). */
  proxyDataUrl?: string;
  clusterFaults: ClusterFaults;
  /** MinIO reached directly, never through the proxy (the dual view). */
  store: StoreAccess;
  backingImageUrl: string;
  backupTargetURL: string;
  longhorn: RunMeta['longhorn'];
  timeFactor: number;
  /** The time factor of the backing-image-manager: 1 when Longhorn's own runs (real time). */
  bimTimeFactor: number;
  tools: Record<string, string>;
  /** What runs as Longhorn's own code and what as the model. */
  components: Component[];
  /** Logs of the system under test copied into the record at teardown (relative to the run directory). */
  logs: string[];
  /** The environment directory in local mode. */
  envDir?: string;
  /** Local: the environment is the run's own (it ends with the run; its objects need no cleanup). */
  envOwned?: boolean;
  /**
   * Local: the pids whose CPU share paces the stall window (docs/design.md#run-record): this process (the
   * simulator, the proxy) and the environment's; asked again at each sample. Absent on a cluster.
   */
  paceProcesses?: () => Promise<number[]>;
}

export interface LocalTargetOptions {
  /**
   * Reuse this environment; absent: start a private one in a temp dir, tied to this process (it ends
   * with the run, however the run ends), and stop it at the end.
   */
  envDir?: string;
  /** Called with the environment's folder as soon as it is known (before a private one starts). */
  onEnvironmentDir?: (dir: string, owned: boolean) => Promise<void>;
  signal?: AbortSignal;
  longhorn: string;
  /** Longhorn's own backing-image-manager (real) or the model's. */
  bim: 'real' | 'model';
  /** The run directory: the system under test's logs are copied under it at teardown. */
  runDir: string;
  simBugs: string[];
  /** `real`: longhorn-manager's own controllers (fixtures/local/manager.ts) beside the simulator. */
  manager: 'real' | 'model';
  /** spec.pollInterval of BackupTarget default. */
  pollInterval: string;
  seed: number;
  timeFactor: number;
  clock: Clock;
  tasks: TaskStack;
  onProgress?: (message: string) => void;
  /** Receives the real manager's Kubernetes events as they come. */
  onManagerEvent?: (event: ManagerEvent) => void;
  /** Receives the simulator's log lines (the runner records warnings and errors). */
  onSimulatorLog?: (line: SimLogLine) => void;
}

/**
 * This process and the environment's processes as env.json names them now (a restarted backing-image-
 * manager or longhorn-manager has a new pid); the last names read when env.json cannot be read.
 */
function runProcesses(env: EnvJson): () => Promise<number[]> {
  let pids = env.processes.map((p) => p.pid);
  return async () => {
    const current = await readEnvironment(env.dir).catch(() => undefined);
    if (current) pids = current.processes.map((p) => p.pid);
    return [process.pid, ...pids];
  };
}

function kubeConfigFor(env: EnvJson): KubeConfig {
  return KeepAliveKubeConfig.fromFile(env.kubeconfig);
}

export async function openLocalTarget(options: LocalTargetOptions): Promise<RunTarget> {
  const progress = options.onProgress ?? (() => {});
  const realBim = options.bim === 'real' ? realBackingImageManagerFor(options.longhorn) : undefined;
  if (options.bim === 'real' && !realBim) {
    throw new UsageError(`--bim real: no real backing-image-manager stands for ${options.longhorn}`);
  }
  let env: EnvJson;
  let host: ProcessHost | undefined;
  const reused = await checkReusedEnvironment({ env: 'local', ...options });
  if (reused) {
    await options.onEnvironmentDir?.(reused.dir, false);
    env = realBim ? await restartBackingImageManagers(reused, progress) : reused;
  } else {
    // Environments of earlier runs whose runner and watchdog are both gone (a killed machine, a kill of
    // both): removed here, and only those (see fixtures/local/ownership.ts).
    const gc = await collectStaleEnvironments();
    for (const stale of gc.removed) progress(`removed the stale environment ${stale.dir} (${stale.reason})`);
    const dir = await createOwnedEnvironmentDir();
    let stop = (hurry: AbortSignal) => stopLocalEnvironment(dir, { keep: false, hurry }).then(() => {});
    options.tasks.defer('stop the private local environment', (hurry) => stop(hurry));
    await options.onEnvironmentDir?.(dir, true);
    progress(
      `starting a private local environment in ${dir} (it ends with this run)` +
        (realBim ? ` with Longhorn's backing-image-manager ${realBim.version}` : ''),
    );
    const local = await startLocalEnvironment({
      dir,
      lifetime: 'tied',
      onProgress: progress,
      signal: options.signal,
      backingImageManagers: realBim ? { version: realBim.version } : undefined,
    });
    stop = (hurry) => local.stop({ keep: false, hurry });
    env = local.env;
    host = local.host;
  }
  // Registered after the environment's own teardown, so it runs before it: the logs are still there.
  const kept: KeptLog[] = realBim ? await bimLogsOf(env, options.runDir) : [];
  if (kept.length > 0) {
    options.tasks.defer("copy the logs of Longhorn's own processes into the run record", () =>
      keepLogs(kept),
    );
  }
  progress('starting the fault proxy in front of MinIO');
  const proxy = await startS3Proxy({
    upstream: env.s3.endpoint,
    listen: '127.0.0.1:0',
    control: '127.0.0.1:0',
    seed: options.seed,
    // Every listing of the backing-image directory, with what it showed (stored-bbi-kept reads them).
    recordListings: KEYS.backingImageListing,
  });
  options.tasks.defer('stop the fault proxy', () => proxy.close());
  const client = new ProxyClient(proxy.controlUrl);
  const realManager = options.manager === 'real';
  // What plays longhorn-manager: its own controllers, or the simulator's model of them.
  const managerComponents: Component[] = [];
  const tools = { ...env.tools };
  if (realManager) {
    const manager = await startManager({
      env,
      version: options.longhorn as RealManagerVersion,
      s3Endpoint: proxy.dataUrl,
      pollInterval: options.pollInterval,
      onProgress: progress,
      signal: options.signal,
      // The run's own environment: its watchdog (the manager then ends with the run, however it ends).
      host,
    });
    // Copied with the backing-image managers' logs, after the manager has stopped. The harness writes a
    // new log at each start: all of it belongs to this run.
    kept.push({ ...(await logOf(env, 'longhorn-manager.log', options.runDir)), offset: 0 });
    const reading = new AbortController();
    const reader = (async () => {
      for await (const event of manager.events(reading.signal)) options.onManagerEvent?.(event);
    })().catch(() => undefined);
    // Teardown runs in reverse: the manager stops first, and its events are read until then.
    options.tasks.defer('stop reading longhorn-manager events', async () => {
      reading.abort();
      await reader;
    });
    options.tasks.defer('stop longhorn-manager', () => manager.stop());
    managerComponents.push(...manager.components);
    Object.assign(tools, manager.tools);
  } else {
    managerComponents.push({ name: 'longhorn-manager', kind: 'model', version: options.longhorn });
  }
  progress(
    `starting the Longhorn simulator (${options.longhorn}${realManager ? ', beside the real manager' : ''})`,
  );
  const simulator = await startSimulator({
    kubeconfigPath: env.kubeconfig,
    namespace: env.namespace,
    s3: {
      endpoint: proxy.dataUrl,
      accessKey: env.s3.accessKey,
      secretKey: env.s3.secretKey,
      region: env.s3.region,
      bucket: env.s3.bucket,
    },
    backupTargetURL: env.backupTargetURL,
    longhorn: options.longhorn as LonghornVersion,
    bugs: options.simBugs,
    seed: options.seed,
    timeFactor: options.timeFactor,
    control: { host: '127.0.0.1', port: 0 },
    log: options.onSimulatorLog,
    backingImageManagers: realBim ? realDiskManagers(env, host) : undefined,
    manager: options.manager,
    pollInterval: options.pollInterval,
  });
  options.tasks.defer('stop the simulator', () => simulator.stop());
  const backupstore = env.backingImageManagers?.backupstore ?? 'unknown';
  const components: Component[] = [
    ...managerComponents,
    realBim
      ? {
          name: 'backing-image-manager',
          kind: 'real',
          version: realBim.version,
          ...(realBim.note ? { note: realBim.note } : {}),
        }
      : { name: 'backing-image-manager', kind: 'model', version: simulator.behaviour.version },
    realBim
      ? { name: 'backupstore', kind: 'real', version: backupstore }
      : { name: 'backupstore', kind: 'model', version: simulator.behaviour.version },
  ];
  return {
    env: 'local',
    kubeConfig: kubeConfigFor(env),
    namespace: env.namespace,
    proxy: client,
    proxyControlUrl: proxy.controlUrl,
    proxyDataUrl: proxy.dataUrl,
    clusterFaults: simulatorClusterFaults(simulator.controlUrl),
    store: { ...env.s3 },
    backingImageUrl: simulator.backingImageUrl,
    backupTargetURL: env.backupTargetURL,
    longhorn: {
      version: simulator.behaviour.version,
      simulated: true,
      // With the real manager, the bug switches of the simulated controllers are not in play.
      bugs: realManager ? [] : [...simulator.behaviour.bugs],
    },
    timeFactor: options.timeFactor,
    bimTimeFactor: realBim ? 1 : options.timeFactor,
    tools,
    components,
    logs: kept.map((log) => log.relative),
    envDir: env.dir,
    envOwned: options.envDir === undefined,
    paceProcesses: runProcesses(env),
  };
}

export interface KubeTargetOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  proxyControlUrl?: string;
  store?: StoreAccess;
  backingImageUrl?: string;
  backupTargetURL?: string;
  longhornVersion?: string;
  clock: Clock;
}

/** A real cluster: nothing is started; flags or LHCHAOS_* name the proxy and MinIO. */
export function openKubeTarget(options: KubeTargetOptions): RunTarget {
  if (!options.proxyControlUrl) {
    throw new UsageError(
      '--env kube: the fault proxy control URL is missing (set LHCHAOS_PROXY_CONTROL_URL)',
    );
  }
  if (!options.store) {
    throw new UsageError(
      '--env kube: the direct MinIO endpoint is missing (set LHCHAOS_MINIO_ENDPOINT and credentials)',
    );
  }
  const kubeConfig = new KeepAliveKubeConfig();
  try {
    if (options.kubeconfig) kubeConfig.loadFromFile(options.kubeconfig);
    else kubeConfig.loadFromDefault();
    if (options.context) kubeConfig.setCurrentContext(options.context);
  } catch (error) {
    throw new UsageError(`--kubeconfig: cannot load ${options.kubeconfig ?? 'the default kubeconfig'}`, {
      cause: error,
    });
  }
  if (options.context && !kubeConfig.getContextObject(options.context)) {
    throw new UsageError(`--context: no context '${options.context}' in the kubeconfig`);
  }
  const namespace = options.namespace ?? 'longhorn-system';
  if (!kubeConfig.getCurrentCluster()) throw new EnvironmentError('the kubeconfig names no current cluster');
  return {
    env: 'kube',
    kubeConfig,
    namespace,
    proxy: new ProxyClient(options.proxyControlUrl),
    proxyControlUrl: options.proxyControlUrl,
    clusterFaults: kubeClusterFaults({ kubeConfig, namespace, clock: options.clock }),
    store: options.store,
    backingImageUrl:
      options.backingImageUrl ?? 'https://longhorn-backing-image.s3-us-west-1.amazonaws.com/parrot.raw',
    backupTargetURL:
      options.backupTargetURL ?? `s3://${options.store.bucket}@${options.store.region}/backupstore`,
    longhorn: { version: options.longhornVersion ?? 'unknown', simulated: false },
    timeFactor: 1,
    bimTimeFactor: 1,
    tools: {},
    components: [
      { name: 'longhorn-manager', kind: 'real', version: options.longhornVersion ?? 'unknown' },
      { name: 'backing-image-manager', kind: 'real', version: options.longhornVersion ?? 'unknown' },
    ],
    logs: [],
  };
}
