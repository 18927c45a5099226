// The runner's options: validated with a message naming the bad field, then turned into the k6 script's
// LOAD_* environment (load/README.md lists every variable).
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, type Clock } from '../common/index.js';

export type LoadOp = 'put' | 'get' | 'list' | 'delete';

export interface CoLoadThresholds {
  /** The run breaches when more than this share of operations fail (0..1); default 0.01. */
  maxErrorRate?: number;
  /** The run breaches when the p95 of operation latency reaches this many milliseconds; default 1000. */
  p95Ms?: number;
}

export interface RunK6Options {
  /** The k6 binary (from the toolchain: `locateTool('k6')`). */
  k6Path: string;
  /** The k6 script; default the S3 mix `load/scripts/s3-mix.ts`. */
  script?: string;
  /** `http://host:port` of the S3 endpoint (the fault proxy's data port, to share its faults). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  /** Every key the load touches is under this; ends with `/`, never inside Longhorn's `backupstore/`. */
  prefix: string;
  /** Operations started per second. */
  rate: number;
  durationSec: number;
  /** Object sizes in bytes; each PUT picks one. */
  objectSizes: number[];
  thresholds?: CoLoadThresholds;
  /** Where the script writes its JSON summary. */
  summaryPath: string;
  /** Aborts the load: k6 stops (after its teardown) and `runK6` rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Ends the load early on purpose (the run it accompanies is over): k6 stops the same way, and `runK6`
   * resolves with its result, the thresholds judged on what ran (`stopped: true`).
   */
  stop?: AbortSignal;
  /** Relative operation weights; default put 4, get 3, list 1, delete 2. */
  mix?: Partial<Record<LoadOp, number>>;
  /** Seeds the operation and size choices; default 1. */
  seed?: number;
  /** Sub-prefix for this run (letters, digits, `.`, `_`, `-`); default made from the start time. */
  runId?: string;
  /** Skip the teardown's deletion so the objects can be inspected afterwards. */
  keep?: boolean;
  /** Per-request timeout in milliseconds; default 10000. */
  requestTimeoutMs?: number;
  /** VUs started up front, and the most k6 may add when answers slow down. */
  vus?: number;
  maxVUs?: number;
  /** After an abort: how long k6 may take to stop and run its teardown before it is killed; default 30000. */
  abortGraceMs?: number;
  /** Times the run (durationMs); default the system clock. */
  clock?: Clock;
}

export const DEFAULT_SCRIPT = fileURLToPath(new URL('./scripts/s3-mix.ts', import.meta.url));
const LONGHORN_ROOT = 'backupstore/';
const MAX_OBJECT_SIZE = 64 * 1024 * 1024;

function need(condition: boolean, field: string, want: string, got: unknown): void {
  if (!condition) throw new UsageError(`co-load ${field}: ${want}, got ${JSON.stringify(got)}`);
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

/** Throws UsageError naming the first bad field. */
export function validateOptions(o: RunK6Options): void {
  need(isText(o.k6Path), 'k6Path', 'the path of the k6 binary', o.k6Path);
  need(o.script === undefined || isText(o.script), 'script', 'a path', o.script);
  need(
    isText(o.endpoint) && /^https?:\/\/[^/]+\/?$/.test(o.endpoint),
    'endpoint',
    'http(s)://host[:port]',
    o.endpoint,
  );
  need(isText(o.accessKey), 'accessKey', 'a non-empty string', o.accessKey);
  need(isText(o.secretKey), 'secretKey', 'a non-empty string', '<hidden>');
  need(isText(o.region), 'region', 'a non-empty string', o.region);
  need(isText(o.bucket), 'bucket', 'a non-empty string', o.bucket);
  need(
    isText(o.prefix) &&
      o.prefix.endsWith('/') &&
      !o.prefix.startsWith('/') &&
      !o.prefix.startsWith(LONGHORN_ROOT),
    'prefix',
    `a key prefix ending in '/', outside Longhorn's ${LONGHORN_ROOT}`,
    o.prefix,
  );
  need(isPositiveInt(o.rate), 'rate', 'an integer >= 1 (operations per second)', o.rate);
  need(isPositiveInt(o.durationSec), 'durationSec', 'an integer >= 1', o.durationSec);
  need(
    Array.isArray(o.objectSizes) &&
      o.objectSizes.length > 0 &&
      o.objectSizes.every((s) => isPositiveInt(s) && s <= MAX_OBJECT_SIZE),
    'objectSizes',
    'a non-empty list of byte counts in 1..64 MiB',
    o.objectSizes,
  );
  const t = o.thresholds ?? {};
  need(
    t.maxErrorRate === undefined || (t.maxErrorRate >= 0 && t.maxErrorRate <= 1),
    'thresholds.maxErrorRate',
    'a rate in 0..1',
    t.maxErrorRate,
  );
  need(t.p95Ms === undefined || t.p95Ms > 0, 'thresholds.p95Ms', 'a positive number of ms', t.p95Ms);
  need(isText(o.summaryPath), 'summaryPath', 'a file path', o.summaryPath);
  for (const [op, weight] of Object.entries(o.mix ?? {})) {
    need(['put', 'get', 'list', 'delete'].includes(op), `mix.${op}`, 'one of put, get, list, delete', op);
    need(typeof weight === 'number' && weight >= 0, `mix.${op}`, 'a weight >= 0', weight);
  }
  need(o.mix?.put === undefined || o.mix.put > 0, 'mix.put', 'a positive weight', o.mix?.put);
  need(o.seed === undefined || Number.isInteger(o.seed), 'seed', 'an integer', o.seed);
  need(
    o.runId === undefined || /^[A-Za-z0-9._-]+$/.test(o.runId),
    'runId',
    'letters, digits, . _ -',
    o.runId,
  );
  need(
    o.requestTimeoutMs === undefined || o.requestTimeoutMs > 0,
    'requestTimeoutMs',
    '> 0',
    o.requestTimeoutMs,
  );
  need(o.vus === undefined || isPositiveInt(o.vus), 'vus', 'an integer >= 1', o.vus);
  need(
    o.maxVUs === undefined || (isPositiveInt(o.maxVUs) && o.maxVUs >= (o.vus ?? 1)),
    'maxVUs',
    'an integer >= vus',
    o.maxVUs,
  );
  need(o.abortGraceMs === undefined || o.abortGraceMs >= 0, 'abortGraceMs', '>= 0', o.abortGraceMs);
}

export function absoluteSummaryPath(o: RunK6Options): string {
  return isAbsolute(o.summaryPath) ? o.summaryPath : resolve(o.summaryPath);
}

/**
 * k6's environment: the parent's minus any K6_* or LOAD_* (so a stray variable in a shell cannot change
 * the run), plus the closed-network settings and the script's LOAD_* settings.
 */
export function k6Environment(o: RunK6Options, parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && !name.startsWith('K6_') && !name.startsWith('LOAD_')) env[name] = value;
  }
  const mix = { put: 4, get: 3, list: 1, delete: 2, ...o.mix };
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) env[name] = String(value);
  };
  set('K6_NO_USAGE_REPORT', 'true');
  set('K6_AUTO_EXTENSION_RESOLUTION', 'false');
  set('LOAD_S3_ENDPOINT', o.endpoint.replace(/\/$/, ''));
  set('LOAD_S3_ACCESS_KEY', o.accessKey);
  set('LOAD_S3_SECRET_KEY', o.secretKey);
  set('LOAD_S3_REGION', o.region);
  set('LOAD_S3_BUCKET', o.bucket);
  set('LOAD_PREFIX', o.prefix);
  set('LOAD_RUN_ID', o.runId);
  set('LOAD_RATE', o.rate);
  set('LOAD_DURATION_SEC', o.durationSec);
  set('LOAD_OBJECT_SIZES', o.objectSizes.join(','));
  set(
    'LOAD_MIX',
    Object.entries(mix)
      .map(([op, w]) => `${op}=${w}`)
      .join(','),
  );
  set('LOAD_MAX_ERROR_RATE', o.thresholds?.maxErrorRate);
  set('LOAD_P95_MS', o.thresholds?.p95Ms);
  set('LOAD_TIMEOUT_MS', o.requestTimeoutMs);
  set('LOAD_VUS', o.vus);
  set('LOAD_MAX_VUS', o.maxVUs);
  set('LOAD_SEED', o.seed);
  set('LOAD_KEEP', o.keep === true ? 'true' : undefined);
  set('LOAD_SUMMARY_PATH', absoluteSummaryPath(o));
  return env;
}
