// The LHCHAOS_* environment variables, read once: specs and the runner take their settings from here
// so that `npx mocha suites/specs/x.spec.ts` works with the same knobs as `lhchaos run`.
import { UsageError, parseSeed } from '../../common/index.js';

export interface ChaosEnv {
  /** `local` (embedded environment + simulator) or `kube` (real Longhorn). */
  env: 'local' | 'kube';
  /** An existing local environment directory (env.json inside); absent: start a private one. */
  envDir?: string;
  kubeconfig?: string;
  context?: string;
  seed?: number;
  profile?: string;
  iterations?: number;
  durationMs?: number;
  longhorn?: string;
  /** Local: Longhorn's own backing-image-manager (`real`) or the model's (`model`). */
  bim?: string;
  simBugs: string[];
  /** Local: `real` (longhorn-manager's own controllers) or `model` (the simulator's). */
  manager?: string;
  outDir?: string;
  timeFactor?: number;
  /** Kube mode: the in-cluster proxy's control URL and MinIO reached directly (not through the proxy). */
  proxyControlUrl?: string;
  minio?: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string };
  verbose: boolean;
}

type Source = Record<string, string | undefined>;

function integer(source: Source, name: string): number | undefined {
  const raw = source[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new UsageError(`${name}: expected an integer, got '${raw}'`);
  return value;
}

function positive(source: Source, name: string): number | undefined {
  const raw = source[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`${name}: expected a positive number, got '${raw}'`);
  return value;
}

/** Durations such as `90s`, `15m`, `2h`, `500ms` or a bare number of seconds. */
export function parseDuration(raw: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) throw new UsageError(`${field}: expected a duration like 90s, 15m or 2h, got '${raw}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const value = Number(match[1]) * unit;
  if (!(value > 0)) throw new UsageError(`${field}: must be positive, got '${raw}'`);
  return value;
}

/** Parses the LHCHAOS_* variables of `source`; a bad value throws a UsageError naming the variable. */
export function readChaosEnv(source: Source = process.env): ChaosEnv {
  const envName = source.LHCHAOS_ENV ?? 'local';
  if (envName !== 'local' && envName !== 'kube') {
    throw new UsageError(`LHCHAOS_ENV: expected local or kube, got '${envName}'`);
  }
  const minioEndpoint = source.LHCHAOS_MINIO_ENDPOINT;
  return {
    env: envName,
    envDir: source.LHCHAOS_ENV_DIR || undefined,
    kubeconfig: source.LHCHAOS_KUBECONFIG || undefined,
    context: source.LHCHAOS_CONTEXT || undefined,
    seed: source.LHCHAOS_SEED ? parseSeed(source.LHCHAOS_SEED, 'LHCHAOS_SEED') : undefined,
    profile: source.LHCHAOS_PROFILE || undefined,
    iterations: integer(source, 'LHCHAOS_ITERATIONS'),
    durationMs: source.LHCHAOS_DURATION
      ? parseDuration(source.LHCHAOS_DURATION, 'LHCHAOS_DURATION')
      : undefined,
    longhorn: source.LHCHAOS_LONGHORN || undefined,
    bim: source.LHCHAOS_BIM || undefined,
    simBugs: (source.LHCHAOS_SIM_BUGS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    manager: source.LHCHAOS_MANAGER || undefined,
    outDir: source.LHCHAOS_OUT || undefined,
    timeFactor: positive(source, 'LHCHAOS_TIME_FACTOR'),
    proxyControlUrl: source.LHCHAOS_PROXY_CONTROL_URL || undefined,
    minio: minioEndpoint
      ? {
          endpoint: minioEndpoint,
          accessKey: source.LHCHAOS_MINIO_ACCESS_KEY ?? '',
          secretKey: source.LHCHAOS_MINIO_SECRET_KEY ?? '',
          bucket: source.LHCHAOS_MINIO_BUCKET ?? 'backupbucket',
          region: source.LHCHAOS_MINIO_REGION ?? 'us-east-1',
        }
      : undefined,
    verbose: source.LHCHAOS_VERBOSE === '1' || source.LHCHAOS_VERBOSE === 'true',
  };
}

let cached: ChaosEnv | undefined;

/** The process's LHCHAOS_* settings, parsed on first use. */
export function chaosEnv(): ChaosEnv {
  cached ??= readChaosEnv();
  return cached;
}
