// The shape of the JSON summary that load/scripts/summary.ts writes, and a reader that checks it enough
// to trust the fields the harness and the report use.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const opStats = z.object({
  count: z.number(),
  errors: z.number(),
  avgMs: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
});

const thresholdResult = z.object({ condition: z.string(), ok: z.boolean() });

export const coLoadSummarySchema = z.object({
  schema: z.literal('lhchaos-k6-summary/1'),
  /** `<prefix><run id>/`: everything this run wrote is under it. */
  runPrefix: z.string().nullable(),
  testRunDurationMs: z.number(),
  config: z.record(z.string(), z.unknown()),
  ops: z.object({ put: opStats, get: opStats, list: opStats, delete: opStats }),
  total: z.object({
    count: z.number(),
    errors: z.number(),
    errorRate: z.number(),
    p95Ms: z.number(),
    droppedIterations: z.number(),
  }),
  thresholds: z.record(z.string(), z.array(thresholdResult)),
  thresholdsBreached: z.boolean(),
  errorCodes: z.record(z.string(), z.number()),
  cleanup: z.object({ deleted: z.number(), left: z.number(), unverified: z.boolean(), kept: z.boolean() }),
});

export type CoLoadSummary = z.infer<typeof coLoadSummarySchema>;

/** The summary at `path`, or null when k6 did not write one (it failed before handleSummary). */
export async function readSummary(path: string): Promise<CoLoadSummary | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = coLoadSummarySchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`k6 summary ${path} does not have the expected shape: ${parsed.error.message}`);
  }
  return parsed.data;
}
