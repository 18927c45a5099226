// Reads the co-load's settings from k6's __ENV and rejects bad ones by name (load/README.md lists them).

export type Op = 'put' | 'get' | 'list' | 'delete';
export const OPS: readonly Op[] = ['put', 'get', 'list', 'delete'];

export interface LoadConfig {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  /** Every key the load touches starts with this; it ends with `/` and is never Longhorn's `backupstore/`. */
  prefix: string;
  /** A sub-prefix for this run; empty means one is made from the start time in setup(). */
  runId: string;
  /** Operations started per second. */
  rate: number;
  durationSec: number;
  objectSizes: number[];
  /** Relative weights of the four operations. */
  mix: Record<Op, number>;
  maxErrorRate: number;
  p95Ms: number;
  timeoutMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  seed: number;
  /** Skip the teardown's deletion (the objects stay for inspection; the mix's own DELETEs still run). */
  keep: boolean;
  /** Where handleSummary writes the JSON summary; empty means nowhere. */
  summaryPath: string;
}

/** Longhorn's backup store root; the load may share the bucket but never this tree. */
export const LONGHORN_ROOT = 'backupstore/';

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback?: string): string {
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`${name} is required`);
}

function number(
  env: Env,
  name: string,
  fallback: number,
  check: (n: number) => boolean,
  want: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${want}, got ${raw}`);
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 * 1024,
  mib: 1024 * 1024,
};

/** `1024`, `4KiB`, `1MiB`, `64k` -> bytes. */
export function parseSize(raw: string): number {
  const match = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(raw);
  const unit = SIZE_UNITS[(match?.[2] ?? '?').toLowerCase()];
  if (match === null || unit === undefined) throw new Error(`LOAD_OBJECT_SIZES: not a size: ${raw}`);
  const bytes = Number(match[1]) * unit;
  if (bytes < 1 || bytes > 64 * 1024 * 1024)
    throw new Error(`LOAD_OBJECT_SIZES: ${raw} is outside 1 B..64 MiB`);
  return bytes;
}

/** `put=4,get=3,list=1,delete=2` -> weights; missing operations get 0, at least one must be positive. */
export function parseMix(raw: string): Record<Op, number> {
  const mix: Record<Op, number> = { put: 0, get: 0, list: 0, delete: 0 };
  for (const part of raw.split(',')) {
    const [name, weight] = part.split('=').map((s) => s.trim());
    if (!OPS.includes(name as Op))
      throw new Error(`LOAD_MIX: unknown operation ${name} (use ${OPS.join(', ')})`);
    const value = Number(weight);
    if (!Number.isFinite(value) || value < 0) throw new Error(`LOAD_MIX: bad weight for ${name}: ${weight}`);
    mix[name as Op] = value;
  }
  if (mix.put <= 0)
    throw new Error('LOAD_MIX: put needs a positive weight (the other operations need objects)');
  return mix;
}

export function checkPrefix(prefix: string): string {
  if (!prefix.endsWith('/')) throw new Error(`LOAD_PREFIX must end with '/', got ${prefix}`);
  if (prefix === '/' || prefix.startsWith('/'))
    throw new Error(`LOAD_PREFIX must not start with '/', got ${prefix}`);
  if (prefix.startsWith(LONGHORN_ROOT))
    throw new Error(`LOAD_PREFIX must stay out of Longhorn's ${LONGHORN_ROOT}`);
  return prefix;
}

export function readConfig(env: Env): LoadConfig {
  const rate = number(env, 'LOAD_RATE', 10, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
  // Each VU GETs and DELETEs only its own objects, so fewer VUs give a truer mix; k6 starts more (up to
  // LOAD_MAX_VUS, default VUs + rate: enough for a second of latency) when answers slow down.
  const preAllocatedVUs = number(
    env,
    'LOAD_VUS',
    Math.min(Math.max(2, Math.ceil(rate / 5)), 50),
    (n) => Number.isInteger(n) && n >= 1,
    'an integer >= 1',
  );
  const runId = env.LOAD_RUN_ID ?? '';
  if (runId !== '' && !/^[A-Za-z0-9._-]+$/.test(runId)) {
    throw new Error(`LOAD_RUN_ID may hold only letters, digits, '.', '_' and '-', got ${runId}`);
  }
  return {
    endpoint: text(env, 'LOAD_S3_ENDPOINT').replace(/\/+$/, ''),
    accessKey: text(env, 'LOAD_S3_ACCESS_KEY'),
    secretKey: text(env, 'LOAD_S3_SECRET_KEY'),
    region: text(env, 'LOAD_S3_REGION', 'us-east-1'),
    bucket: text(env, 'LOAD_S3_BUCKET'),
    prefix: checkPrefix(text(env, 'LOAD_PREFIX', 'lhchaos-k6/')),
    runId,
    rate,
    durationSec: number(
      env,
      'LOAD_DURATION_SEC',
      30,
      (n) => Number.isInteger(n) && n >= 1,
      'an integer >= 1',
    ),
    objectSizes: text(env, 'LOAD_OBJECT_SIZES', '1KiB,64KiB').split(',').map(parseSize),
    mix: parseMix(text(env, 'LOAD_MIX', 'put=4,get=3,list=1,delete=2')),
    maxErrorRate: number(env, 'LOAD_MAX_ERROR_RATE', 0.01, (n) => n >= 0 && n <= 1, 'in 0..1'),
    p95Ms: number(env, 'LOAD_P95_MS', 1000, (n) => n > 0, 'a positive number'),
    timeoutMs: number(env, 'LOAD_TIMEOUT_MS', 10000, (n) => n > 0, 'a positive number'),
    preAllocatedVUs,
    maxVUs: number(
      env,
      'LOAD_MAX_VUS',
      preAllocatedVUs + rate,
      (n) => n >= preAllocatedVUs,
      'at least LOAD_VUS',
    ),
    seed: number(env, 'LOAD_SEED', 1, (n) => Number.isInteger(n), 'an integer'),
    keep: /^(1|true|yes)$/i.test(env.LOAD_KEEP ?? ''),
    summaryPath: env.LOAD_SUMMARY_PATH ?? '',
  };
}
