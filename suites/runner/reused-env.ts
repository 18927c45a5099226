// `--env-dir`: the running local environment a run reuses, checked before anything is built, started or
// written (docs/design.md#command-line): a folder that is no running environment is bad usage, exit 2 naming
// the flag (docs/design.md#exit-codes), never a run that starts and then fails as unknown.
import { stat } from 'node:fs/promises';
import { UsageError, describeError } from '../../common/index.js';
import { realBackingImageManagerFor } from '../../fixtures/bim/index.js';
import {
  CORE_PROCESS_NAMES,
  environmentStatus,
  readEnvironment,
  restartBackingImageManagerProcess,
  type EnvJson,
  type EnvironmentStatus,
} from '../../fixtures/local/index.js';

/** What decides whether a reused environment can carry the run. */
export interface ReusedEnvironmentOptions {
  env: 'local' | 'kube';
  envDir?: string;
  longhorn: string;
  /** Longhorn's own backing-image-manager (real) or the model's; the model when absent. */
  bim?: 'real' | 'model';
}

/** The environment `envDir` names, with every process `env up` started alive; else a UsageError naming the flag. */
async function readRunningEnvironment(envDir: string): Promise<EnvJson> {
  const info = await stat(envDir).catch(() => undefined);
  if (info === undefined) {
    throw new UsageError(
      `--env-dir ${envDir}: no such directory (start an environment there with \`lhchaos env up --dir ${envDir}\`)`,
    );
  }
  if (!info.isDirectory()) throw new UsageError(`--env-dir ${envDir}: not a directory`);
  let status: EnvironmentStatus;
  try {
    status = await environmentStatus(envDir);
  } catch (error) {
    throw new UsageError(`--env-dir ${envDir}: ${describeError(error)}`, { cause: error });
  }
  if (status.env === undefined) {
    throw new UsageError(
      `--env-dir ${envDir}: no local environment there (no env.json); start one with \`lhchaos env up --dir ${envDir}\``,
    );
  }
  // Every process `env up` starts must be recorded and alive. A run starts (and stops) its own
  // longhorn-manager: a dead one that a killed run left recorded does not matter.
  const { env } = status;
  const needed = [...CORE_PROCESS_NAMES, ...(env.backingImageManagers?.disks ?? []).map((d) => d.process)];
  const down = needed.filter((name) => !status.processes.some((p) => p.name === name && p.alive));
  if (down.length > 0) {
    throw new UsageError(
      `--env-dir ${envDir}: the environment is not running (${down.join(', ')} not alive); start it again with ` +
        `\`lhchaos env down --dir ${envDir}\` and \`lhchaos env up --dir ${envDir}\``,
    );
  }
  return env;
}

/**
 * The reused environment of a local run with `--env-dir` (undefined for any other run), checked up front:
 * it must be running, and with Longhorn's own backing-image-manager it must run the build that stands for
 * the run's Longhorn version. A UsageError naming `--env-dir` otherwise.
 */
export async function checkReusedEnvironment(
  options: ReusedEnvironmentOptions,
): Promise<EnvJson | undefined> {
  if (options.env !== 'local' || options.envDir === undefined) return undefined;
  const env = await readRunningEnvironment(options.envDir);
  const realBim = options.bim === 'real' ? realBackingImageManagerFor(options.longhorn) : undefined;
  const running = env.backingImageManagers?.version;
  if (realBim && running !== realBim.version) {
    throw new UsageError(
      `--env-dir ${env.dir}: --longhorn ${options.longhorn} needs Longhorn's backing-image-manager ` +
        `${realBim.version}, and the environment runs ${running ?? 'none'}; start one with ` +
        `\`lhchaos env up --bim ${realBim.version}\`, or use --bim model`,
    );
  }
  return env;
}

/**
 * Restarts Longhorn's own backing-image-managers of a reused environment, so that a run meets them as a
 * fresh environment's: each keeps an in-memory list of backups by backing image name and answers
 * BackupStatus with the first entry for a name (docs/longhorn.md#backing-image-manager). Names come from
 * the seed, so without the restart a run of a seed an earlier run on the environment had (every try of
 * `lhchaos shrink`, a replay on the environment of the run it replays) is answered with that run's entry:
 * #10740 then shows, or not, by what the earlier run left. Returns env.json as it is after the restarts.
 */
export async function restartBackingImageManagers(
  env: EnvJson,
  onProgress: (message: string) => void = () => {},
): Promise<EnvJson> {
  const disks = env.backingImageManagers?.disks ?? [];
  if (disks.length === 0) return env;
  onProgress(
    `restarting the environment's ${disks.length} backing-image-manager(s): their backup lists would answer for earlier runs`,
  );
  for (const disk of disks) await restartBackingImageManagerProcess(env.dir, disk.process, { onProgress });
  return readEnvironment(env.dir);
}
