// From `lhchaos run` flags (and LHCHAOS_* for what has no flag) to ChaosRunOptions, with every bad value
// named in a UsageError, and the one-line command that repeats the run.
import { join, resolve } from 'node:path';
import { UsageError, parseSeed, randomSeed } from '../../common/index.js';
import { realBackingImageManagerFor } from '../../fixtures/bim/index.js';
import { ENV_TOOL_NAMES, isRealManagerVersion, REAL_MANAGER_VERSIONS } from '../../fixtures/local/index.js';
import { LONGHORN_VERSIONS, resolveBehaviour } from '../../fixtures/simulator/index.js';
import type { ToolName } from '../../fixtures/toolchain/index.js';
import { parseDuration, type ChaosEnv } from '../harness/index.js';
import type { CoLoadBreach } from './co-load.js';
import { profileByName } from './profiles.js';
import type { ChaosRunOptions } from './run.js';
import { scenarioByName } from './scenarios.js';
import { scheduleScenario, type ScheduleFile } from './schedule-file.js';

export interface RunFlags {
  env?: string;
  kubeconfig?: string;
  context?: string;
  profile?: string;
  seed?: string;
  iterations?: string;
  duration?: string;
  longhorn?: string;
  bim?: string;
  simBugs?: string;
  manager?: string;
  scenario?: string[];
  out?: string;
  envDir?: string;
  /** `--co-load` alone: `true` (a breach warns); `--co-load fail`: a breach fails the run. */
  coLoad?: boolean | string;
  proxyControl?: string;
  minio?: string;
  clusterDir?: string;
  timeFactor?: string;
  /** A schedule file instead of named scenarios (see runner/schedule-file.ts). */
  schedule?: string;
}

/** Where `lhchaos cluster up` puts cluster.json when given no --dir and no --name. */
export const DEFAULT_CLUSTER_DIR = join('.lhchaos', 'cluster-lhchaos');

/** What resolveRunOptions adds for the CLI: the cluster directory a kube run takes the rest from. */
export type ResolvedRunOptions = Omit<ChaosRunOptions, 'repro' | 'signal' | 'onProgress' | 'onLog'> & {
  clusterDir?: string;
};

function integerFlag(value: string, flag: string, min: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`${flag}: expected an integer, got '${value}'`);
  const n = Number(value);
  if (n < min || !Number.isSafeInteger(n)) throw new UsageError(`${flag}: must be >= ${min}, got '${value}'`);
  return n;
}

function coLoadMode(flag: boolean | string | undefined): CoLoadBreach | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (flag === true || flag === 'warn') return 'warn';
  if (flag === 'fail') return 'fail';
  throw new UsageError(`--co-load: expected nothing, warn or fail, got '${flag}'`);
}

/** The command that repeats this run: same seed, profile, version, bugs, scenarios and sizes. */
export function reproCommand(
  options: Omit<ChaosRunOptions, 'repro'> & {
    clusterDir?: string;
    clusterSeed?: number;
    schedulePath?: string;
  },
): string {
  const parts = [
    'lhchaos run',
    `--env ${options.env}`,
    `--profile ${options.profile.name}`,
    `--seed ${options.seed}`,
  ];
  if (options.env === 'local' || options.longhorn !== 'unknown') parts.push(`--longhorn ${options.longhorn}`);
  // A run without `bim` ran the model (runChaos's default), which is not the CLI's default everywhere.
  const bim = options.bim ?? 'model';
  if (options.env === 'local' && bim !== defaultBim(options.longhorn)) parts.push(`--bim ${bim}`);
  if (options.simBugs.length > 0) parts.push(`--sim-bugs ${options.simBugs.join(',')}`);
  if (options.env === 'local' && (options.manager ?? 'model') !== defaultManager(options.longhorn, bim))
    parts.push(`--manager ${options.manager ?? 'model'}`);
  const defaultScenarios = options.profile.scenarios.join(',');
  if (options.schedulePath) parts.push(`--schedule ${options.schedulePath}`);
  else if (options.scenarios.map((s) => s.name).join(',') !== defaultScenarios) {
    parts.push(...options.scenarios.map((s) => `--scenario ${s.name}`));
  }
  if (options.iterations !== undefined) parts.push(`--iterations ${options.iterations}`);
  if (options.durationMs !== undefined) parts.push(`--duration ${Math.round(options.durationMs / 1000)}s`);
  if (options.timeFactor !== undefined) parts.push(`--time-factor ${options.timeFactor}`);
  if (options.env === 'kube' && options.context) parts.push(`--context ${options.context}`);
  if (options.env === 'kube' && options.clusterDir && options.clusterDir !== resolve(DEFAULT_CLUSTER_DIR))
    parts.push(`--cluster-dir ${options.clusterDir}`);
  if (options.coLoad) parts.push(options.coLoad === 'fail' ? '--co-load fail' : '--co-load');
  // The cluster's own seed does not decide the run (the proxy and the image downloads take --seed), but a
  // reader rebuilding the cluster should see what it was built with.
  if (options.env === 'kube' && options.clusterSeed !== undefined)
    parts.push(`# cluster up --seed ${options.clusterSeed}; the run's --seed replaces it`);
  return parts.join(' ');
}

/**
 * Local runs use longhorn-manager's own controllers where this project builds them (v1.8.1, v1.9.0), beside
 * Longhorn's own backing-image-managers: its BackupBackingImage controller calls them over gRPC, which the
 * model does not serve, so `--bim model` alone means the model manager too.
 */
export function defaultManager(longhorn: string, bim: 'real' | 'model'): 'real' | 'model' {
  return isRealManagerVersion(longhorn) && bim === 'real' ? 'real' : 'model';
}

function resolveManager(
  flag: string | undefined,
  longhorn: string,
  bim: 'real' | 'model',
  simBugs: string[],
  timeFactor: number | undefined,
): 'real' | 'model' {
  const manager = flag ?? defaultManager(longhorn, bim);
  if (manager !== 'real' && manager !== 'model')
    throw new UsageError(`--manager: expected real or model, got '${manager}'`);
  if (manager === 'model') return manager;
  if (!isRealManagerVersion(longhorn)) {
    throw new UsageError(
      `--manager real: no longhorn-manager ${longhorn} here; real: ${Object.keys(REAL_MANAGER_VERSIONS).join(', ')} (use --manager model)`,
    );
  }
  if (simBugs.length > 0) {
    throw new UsageError(
      '--sim-bugs: with --manager real the simulated controllers the bugs live in are off (use --manager model)',
    );
  }
  if (timeFactor !== undefined && timeFactor !== 1) {
    throw new UsageError(
      '--time-factor: the real longhorn-manager runs at its own speed (use --manager model)',
    );
  }
  return manager;
}

/** A tool, or one pin of it. */
type ToolRef = ToolName | `${ToolName}@${string}`;

/**
 * The pinned tools this run starts (`name` or `name@version`), so that a first run on a fresh machine builds
 * them, with progress, before anything else happens: the environment's (unless it is reused), Longhorn's own
 * backing-image-manager of the run's version (unless the reused environment runs it), the manager harness
 * and its engine CLI, k6 for the co-load.
 */
export function toolsForRun(
  options: Pick<ResolvedRunOptions, 'env' | 'envDir' | 'longhorn' | 'bim' | 'manager' | 'coLoad'>,
): ToolRef[] {
  const tools: ToolRef[] = [];
  if (options.env === 'local' && !options.envDir) {
    tools.push(...ENV_TOOL_NAMES);
    const bim = options.bim === 'real' ? realBackingImageManagerFor(options.longhorn) : undefined;
    if (bim) tools.push(`backing-image-manager@${bim.version}`);
  }
  if (options.env === 'local' && options.manager === 'real' && isRealManagerVersion(options.longhorn)) {
    const engine = REAL_MANAGER_VERSIONS[options.longhorn].engine;
    tools.push(`longhorn-manager@${options.longhorn}`, `longhorn-engine@${engine}`);
  }
  if (options.coLoad) tools.push('k6');
  return tools;
}

/** Longhorn's own backing-image-manager wherever a build of it runs here; the model elsewhere. */
export function defaultBim(longhorn: string): 'real' | 'model' {
  return realBackingImageManagerFor(longhorn) ? 'real' : 'model';
}

export function resolveRunOptions(
  flags: RunFlags,
  env: ChaosEnv,
  variables: Record<string, string | undefined> = process.env,
): ResolvedRunOptions {
  const envName = flags.env ?? env.env;
  if (envName !== 'local' && envName !== 'kube')
    throw new UsageError(`--env: expected local or kube, got '${envName}'`);
  const profile = profileByName(flags.profile ?? env.profile ?? 'smoke');
  const seedRaw = flags.seed ?? (env.seed === undefined ? undefined : String(env.seed));
  const seed =
    seedRaw === undefined
      ? randomSeed()
      : parseSeed(seedRaw, flags.seed === undefined ? 'LHCHAOS_SEED' : '--seed');
  const iterationsRaw =
    flags.iterations ?? (env.iterations === undefined ? undefined : String(env.iterations));
  const iterations = iterationsRaw === undefined ? undefined : integerFlag(iterationsRaw, '--iterations', 1);
  const durationMs = flags.duration ? parseDuration(flags.duration, '--duration') : env.durationMs;
  const longhorn = flags.longhorn ?? env.longhorn ?? (envName === 'local' ? 'v1.8.1' : 'unknown');
  const simBugs = (flags.simBugs ?? env.simBugs.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bimRaw = flags.bim ?? env.bim;
  let bim: 'real' | 'model' = 'model';
  if (envName === 'local') {
    if (!(LONGHORN_VERSIONS as readonly string[]).includes(longhorn)) {
      throw new UsageError(
        `--longhorn: '${longhorn}' has no simulated behaviour; valid: ${LONGHORN_VERSIONS.join(', ')}`,
      );
    }
    if (bimRaw !== undefined && bimRaw !== 'real' && bimRaw !== 'model') {
      throw new UsageError(`--bim: expected real or model, got '${bimRaw}'`);
    }
    bim = bimRaw ?? defaultBim(longhorn);
    if (bim === 'real' && !realBackingImageManagerFor(longhorn)) {
      throw new UsageError(
        `--bim real: no build of Longhorn's backing-image-manager stands for ${longhorn} here ` +
          '(the Go module proxy does not serve one); use --bim model',
      );
    }
    try {
      resolveBehaviour(longhorn, simBugs, { realBackingImageManager: bim === 'real' });
    } catch (error) {
      throw new UsageError(`--sim-bugs: ${(error as Error).message.replace(/^--bugs: /, '')}`);
    }
  } else {
    if (simBugs.length > 0)
      throw new UsageError('--sim-bugs: only for --env local (a real Longhorn has no bug switches)');
    if (flags.envDir) throw new UsageError('--env-dir: only for --env local');
    if (bimRaw !== undefined) throw new UsageError('--bim: only for --env local (a cluster runs its own)');
  }
  if (envName === 'local' && flags.clusterDir) throw new UsageError('--cluster-dir: only for --env kube');
  const names =
    flags.scenario && flags.scenario.length > 0
      ? flags.scenario.flatMap((s) => s.split(','))
      : profile.scenarios;
  const scenarios = [...new Set(names.map((n) => n.trim()).filter(Boolean))].map(scenarioByName);
  let timeFactor: number | undefined = env.timeFactor;
  if (flags.timeFactor !== undefined) {
    timeFactor = Number(flags.timeFactor);
    if (!(timeFactor > 0) || !Number.isFinite(timeFactor)) {
      throw new UsageError(`--time-factor: expected a positive number, got '${flags.timeFactor}'`);
    }
  }
  if (envName === 'kube' && timeFactor !== undefined && timeFactor !== 1) {
    throw new UsageError('--time-factor: a real Longhorn runs at its own speed (only for --env local)');
  }
  const managerFlag = flags.manager ?? env.manager;
  if (envName === 'kube' && flags.manager !== undefined)
    throw new UsageError('--manager: only for --env local (a cluster runs its own longhorn-manager)');
  const manager =
    envName === 'local' ? resolveManager(managerFlag, longhorn, bim, simBugs, timeFactor) : undefined;
  if (manager === 'real' && bim !== 'real') {
    throw new UsageError(
      "--manager real: longhorn-manager's BackupBackingImage controller calls the backing-image managers " +
        'over gRPC, which the model does not serve; use --bim real, or --manager model',
    );
  }
  const minioEndpoint = flags.minio ?? env.minio?.endpoint;
  const proxyControlUrl = flags.proxyControl ?? env.proxyControlUrl;
  // Kube: what --proxy-control/--minio (or LHCHAOS_*) leave open comes from `cluster up`'s directory.
  const clusterDir =
    envName === 'kube' && !(proxyControlUrl && minioEndpoint)
      ? resolve(flags.clusterDir || variables.LHCHAOS_CLUSTER_DIR || DEFAULT_CLUSTER_DIR)
      : undefined;
  return {
    env: envName,
    envDir: flags.envDir ?? env.envDir,
    kubeconfig: flags.kubeconfig ?? env.kubeconfig,
    context: flags.context ?? env.context,
    profile,
    scenarios,
    seed,
    iterations,
    durationMs,
    longhorn,
    bim,
    simBugs,
    manager,
    outDir: flags.out ?? env.outDir ?? 'reports/out',
    timeFactor,
    coLoad: coLoadMode(flags.coLoad),
    clusterDir,
    kube: {
      proxyControlUrl,
      backingImageUrl: variables.LHCHAOS_BACKING_IMAGE_URL || undefined,
      store: minioEndpoint
        ? {
            endpoint: minioEndpoint,
            accessKey: env.minio?.accessKey ?? '',
            secretKey: env.minio?.secretKey ?? '',
            bucket: env.minio?.bucket ?? 'backupbucket',
            region: env.minio?.region ?? 'us-east-1',
          }
        : undefined,
    },
  };
}

/** `--schedule FILE`: the run plays that schedule (one scenario) at the time factor it was made for. */
export function withSchedule(
  resolved: ResolvedRunOptions,
  schedule: ScheduleFile,
  flags: Pick<RunFlags, 'scenario' | 'timeFactor'>,
): ResolvedRunOptions {
  if (flags.scenario && flags.scenario.length > 0)
    throw new UsageError('--schedule: give either --schedule or --scenario, not both');
  if (resolved.env === 'kube' && schedule.timeFactor !== 1)
    throw new UsageError(
      `--schedule: made for time factor ${schedule.timeFactor}; a real Longhorn runs at its own speed (1)`,
    );
  if (resolved.env === 'local' && resolved.manager === 'real' && schedule.timeFactor !== 1)
    throw new UsageError(
      `--schedule: made for time factor ${schedule.timeFactor}; the real longhorn-manager runs at its own speed (1) (use --manager model)`,
    );
  if (flags.timeFactor !== undefined && resolved.timeFactor !== schedule.timeFactor)
    throw new UsageError(
      `--time-factor: the schedule's milliseconds were chosen for time factor ${schedule.timeFactor}, got ${flags.timeFactor}`,
    );
  return { ...resolved, scenarios: [scheduleScenario(schedule)], timeFactor: schedule.timeFactor };
}
