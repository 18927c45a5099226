// The S3 co-load: a seeded mix of PUT, GET, LIST and DELETE under one prefix at a constant arrival rate,
// with thresholds on error rate and p95 latency, and a teardown that deletes whatever the mix left.
import { randomSeed } from 'k6';
import crypto from 'k6/crypto';
import { Counter, Rate, Trend } from 'k6/metrics';
import { OPS, readConfig, type Op } from './config.ts';
import { S3Client, type S3Response } from './s3.ts';
import { buildSummary, KNOWN_ERROR_CODES, textSummary, type SummaryData } from './summary.ts';

const config = readConfig(__ENV);

export const options = {
  scenarios: {
    s3mix: {
      executor: 'constant-arrival-rate',
      rate: config.rate,
      timeUnit: '1s',
      duration: `${config.durationSec}s`,
      preAllocatedVUs: config.preAllocatedVUs,
      maxVUs: config.maxVUs,
      gracefulStop: `${Math.ceil(config.timeoutMs / 1000) + 1}s`,
    },
  },
  thresholds: {
    s3_errors: [`rate<${config.maxErrorRate}`],
    s3_op_duration: [`p(95)<${config.p95Ms}`],
    // Empty lists make k6 keep per-operation sub-metrics for the summary.
    ...Object.fromEntries(
      OPS.flatMap((op) => [
        [`s3_errors{op:${op}}`, []],
        [`s3_op_duration{op:${op}}`, []],
      ]),
    ),
    ...Object.fromEntries(KNOWN_ERROR_CODES.map((code) => [`s3_error_codes{code:${code}}`, []])),
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  setupTimeout: '30s',
  teardownTimeout: '120s',
};

/** 1 for a failed operation, 0 for a good one: the error-rate threshold. */
const s3Errors = new Rate('s3_errors');
const s3OpDuration = new Trend('s3_op_duration', true);
const cleanupDeleted = new Counter('s3_cleanup_deleted');
const cleanupLeft = new Counter('s3_cleanup_left');
const cleanupUnverified = new Counter('s3_cleanup_unverified');
const errorsByCode = new Counter('s3_error_codes');

const client = new S3Client(config);

// Seeded per VU so that a run's sequence of operations and sizes repeats for the same LOAD_SEED.
randomSeed(config.seed * 7919 + __VU);

// One body per size, made once per VU: contents do not matter to S3, only length; randomBytes is native and
// cheap where filling megabytes from the seeded Math.random would cost seconds of CPU.
const bodies = config.objectSizes.map((size) => {
  const body = crypto.randomBytes(size);
  return { size, body, hash: crypto.sha256(body, 'hex') };
});

const totalWeight = OPS.reduce((sum, op) => sum + config.mix[op], 0);

function pickOp(): Op {
  let draw = Math.random() * totalWeight;
  for (const op of OPS) {
    draw -= config.mix[op];
    if (draw < 0) return op;
  }
  return 'put';
}

/** Objects this VU wrote and has not deleted yet: GET and DELETE only touch these. */
const owned: { key: string; size: number }[] = [];
let written = 0;

function record(op: Op, response: S3Response): void {
  s3Errors.add(!response.ok, { op });
  s3OpDuration.add(response.durationMs, { op });
  if (!response.ok) errorsByCode.add(1, { op, code: response.errorCode ?? 'unknown' });
}

export function setup(): { runPrefix: string } {
  const runId = config.runId !== '' ? config.runId : `run-${Date.now().toString(36)}`;
  return { runPrefix: `${config.prefix}${runId}/` };
}

export default function (data: { runPrefix: string }): void {
  let op = pickOp();
  if ((op === 'get' || op === 'delete') && owned.length === 0) op = 'put';
  if (op === 'put') {
    const choice = bodies[Math.floor(Math.random() * bodies.length)] ?? bodies[0];
    if (choice === undefined) throw new Error('LOAD_OBJECT_SIZES is empty');
    const key = `${data.runPrefix}vu${__VU}/${written++}-${choice.size}`;
    const response = client.put(key, choice.body, choice.hash);
    // A failed PUT may still have landed; the teardown's listing catches it either way.
    if (response.ok) owned.push({ key, size: choice.size });
    record(op, response);
  } else if (op === 'get') {
    const target = owned[Math.floor(Math.random() * owned.length)];
    if (target !== undefined) record(op, client.get(target.key, target.size));
  } else if (op === 'delete') {
    const index = Math.floor(Math.random() * owned.length);
    const target = owned[index];
    if (target === undefined) return;
    const response = client.delete(target.key);
    if (response.ok) owned.splice(index, 1);
    record(op, response);
  } else {
    record(op, client.list(data.runPrefix));
  }
}

/**
 * Faults may still be on during the teardown. With half of all requests failing, a request tried five
 * times fails every time once in 32, and a key survives five such rounds with odds of about 1 in 3e7.
 */
const CLEANUP_ATTEMPTS = 5;
const CLEANUP_ROUNDS = 5;

function withRetries<T extends { ok: boolean }>(attempt: () => T): T {
  let result = attempt();
  for (let i = 1; i < CLEANUP_ATTEMPTS && !result.ok; i++) result = attempt();
  return result;
}

/** Deletes everything under the run prefix (listing again until it comes back empty). */
export function teardown(data: { runPrefix: string }): void {
  if (config.keep) return;
  const tags = { phase: 'teardown' };
  for (let round = 0; round < CLEANUP_ROUNDS; round++) {
    const keys: string[] = [];
    let token: string | undefined;
    let listed = true;
    do {
      const page = withRetries(() => client.list(data.runPrefix, token, tags));
      if (!page.ok) {
        listed = false;
        break;
      }
      keys.push(...page.keys);
      token = page.nextToken;
    } while (token !== undefined);
    if (listed && keys.length === 0) return;
    let failed = 0;
    for (const key of keys) {
      if (withRetries(() => client.delete(key, tags)).ok) cleanupDeleted.add(1);
      else failed++;
    }
    if (round === CLEANUP_ROUNDS - 1) {
      cleanupLeft.add(failed);
      if (!listed) cleanupUnverified.add(1);
    }
  }
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const summary = buildSummary(data, config);
  const out: Record<string, string> = { stdout: textSummary(summary) };
  if (config.summaryPath !== '') out[config.summaryPath] = JSON.stringify(summary, null, 2) + '\n';
  return out;
}
