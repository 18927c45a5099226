// Turns k6's end-of-test data into the co-load's compact JSON summary and a few lines of text.
// The JSON shape is the contract with the node-side runner (load/summary.ts mirrors it as a type).
import { OPS, type LoadConfig } from './config.ts';

/** S3 error codes (and transport failures) the summary counts one by one; others only add to the total. */
export const KNOWN_ERROR_CODES = [
  'InternalError',
  'SlowDown',
  'ServiceUnavailable',
  'AccessDenied',
  'NoSuchKey',
  'SignatureDoesNotMatch',
  'WrongLength',
  'timeout',
  'network',
];

interface MetricData {
  type: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  metrics: Record<string, MetricData | undefined>;
  state: { testRunDurationMs: number };
  setup_data?: { runPrefix?: string };
}

export interface OpStats {
  count: number;
  errors: number;
  avgMs: number;
  p95Ms: number;
  maxMs: number;
}

function opStats(data: SummaryData, op: string): OpStats {
  const duration = data.metrics[`s3_op_duration{op:${op}}`]?.values ?? {};
  const errors = data.metrics[`s3_errors{op:${op}}`]?.values ?? {};
  return {
    count: (errors.passes ?? 0) + (errors.fails ?? 0),
    errors: errors.passes ?? 0,
    avgMs: duration.avg ?? 0,
    p95Ms: duration['p(95)'] ?? 0,
    maxMs: duration.max ?? 0,
  };
}

function count(data: SummaryData, name: string): number {
  return data.metrics[name]?.values.count ?? 0;
}

export function buildSummary(data: SummaryData, config: LoadConfig): Record<string, unknown> {
  const thresholds: Record<string, { condition: string; ok: boolean }[]> = {};
  let breached = false;
  for (const name of ['s3_errors', 's3_op_duration']) {
    const results = Object.entries(data.metrics[name]?.thresholds ?? {}).map(([condition, r]) => {
      if (!r.ok) breached = true;
      return { condition, ok: r.ok };
    });
    thresholds[name] = results;
  }
  const errorValues = data.metrics.s3_errors?.values ?? {};
  const { accessKey: _a, secretKey: _s, ...safeConfig } = config;
  return {
    schema: 'lhchaos-k6-summary/1',
    runPrefix: data.setup_data?.runPrefix ?? null,
    testRunDurationMs: data.state.testRunDurationMs,
    config: safeConfig,
    ops: Object.fromEntries(OPS.map((op) => [op, opStats(data, op)])),
    total: {
      count: (errorValues.passes ?? 0) + (errorValues.fails ?? 0),
      errors: errorValues.passes ?? 0,
      errorRate: errorValues.rate ?? 0,
      p95Ms: data.metrics.s3_op_duration?.values['p(95)'] ?? 0,
      droppedIterations: count(data, 'dropped_iterations'),
    },
    thresholds,
    thresholdsBreached: breached,
    errorCodes: Object.fromEntries(
      KNOWN_ERROR_CODES.map((code) => [code, count(data, `s3_error_codes{code:${code}}`)]).filter(
        ([, n]) => n !== 0,
      ),
    ),
    cleanup: {
      deleted: count(data, 's3_cleanup_deleted'),
      left: count(data, 's3_cleanup_left'),
      unverified: count(data, 's3_cleanup_unverified') > 0,
      kept: config.keep,
    },
  };
}

export function textSummary(summary: Record<string, unknown>): string {
  const s = summary as {
    runPrefix: string | null;
    ops: Record<string, OpStats>;
    total: { count: number; errors: number; errorRate: number; p95Ms: number; droppedIterations: number };
    thresholds: Record<string, { condition: string; ok: boolean }[]>;
    thresholdsBreached: boolean;
    errorCodes: Record<string, number>;
    cleanup: { deleted: number; left: number; unverified: boolean; kept: boolean };
  };
  const lines = [`k6 S3 co-load under ${s.runPrefix ?? '?'}`];
  for (const [op, st] of Object.entries(s.ops)) {
    lines.push(
      `  ${op.padEnd(6)} ${String(st.count).padStart(6)} ops ${String(st.errors).padStart(5)} errors` +
        `  p95 ${st.p95Ms.toFixed(1)} ms  max ${st.maxMs.toFixed(1)} ms`,
    );
  }
  const t = s.total;
  lines.push(
    `  total  ${t.count} ops, error rate ${(t.errorRate * 100).toFixed(2)}%, p95 ${t.p95Ms.toFixed(1)} ms` +
      (t.droppedIterations > 0 ? `, ${t.droppedIterations} dropped (not enough VUs)` : ''),
  );
  for (const [metric, results] of Object.entries(s.thresholds)) {
    for (const r of results) lines.push(`  threshold ${metric} ${r.condition}: ${r.ok ? 'ok' : 'BREACHED'}`);
  }
  const codes = Object.entries(s.errorCodes).map(([code, n]) => `${code} ${n}`);
  if (codes.length > 0) lines.push(`  errors by code: ${codes.join(', ')}`);
  const c = s.cleanup;
  lines.push(
    c.kept
      ? '  cleanup skipped (LOAD_KEEP): objects left in place'
      : `  cleanup deleted ${c.deleted}, left ${c.left}${c.unverified ? ', final listing failed' : ''}`,
  );
  return lines.join('\n') + '\n';
}
