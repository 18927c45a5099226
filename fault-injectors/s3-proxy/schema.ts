// Validation of rule JSON (control API, rules files): zod schemas that mirror types.ts, and a parse that
// names the first bad field, so a `400` or a CLI error says exactly what to fix.
import { z } from 'zod';
import { S3_OPERATIONS, type RuleSpec } from './types.js';

const nonNegative = z.number().finite().nonnegative();
const positive = z.number().finite().positive();

const match = z.strictObject({
  operations: z.array(z.enum(S3_OPERATIONS)).optional(),
  bucket: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  keyRegex: z
    .string()
    .min(1)
    .refine(
      (source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a valid regular expression' },
    )
    .optional(),
});

const common = {
  name: z
    .string()
    .min(1)
    .max(128)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
      'letters, digits and . _ : - only, starting with a letter or digit',
    ),
  match: match.optional(),
  probability: z.number().min(0).max(1).optional(),
  startAfterMs: nonNegative.optional(),
  stopAfterMs: nonNegative.optional(),
  afterN: z.number().int().nonnegative().optional(),
  maxCount: z.number().int().nonnegative().optional(),
};

const distribution = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixed') }),
  z.strictObject({ type: z.literal('uniform') }),
  z.strictObject({ type: z.literal('normal'), stddevMs: nonNegative }),
  z.strictObject({ type: z.literal('exponential') }),
]);

const latency = z
  .strictObject({
    ...common,
    type: z.literal('latency'),
    delayMs: nonNegative,
    jitterMs: nonNegative.optional(),
    distribution: distribution.optional(),
    phase: z.enum(['request', 'response']).optional(),
  })
  .refine((r) => (r.jitterMs ?? 0) <= r.delayMs, {
    message: 'jitterMs must not exceed delayMs',
    path: ['jitterMs'],
  });

const visibilityLag = z.strictObject({
  ...common,
  type: z.literal('visibility-lag'),
  durationMs: positive,
  hideReads: z.boolean().optional(),
});

const deleteLag = z.strictObject({ ...common, type: z.literal('delete-lag'), durationMs: positive });

const staleListing = z.strictObject({ ...common, type: z.literal('stale-listing'), ageMs: positive });

const error = z.strictObject({
  ...common,
  type: z.literal('error'),
  mode: z.enum(['response', 'reset', 'hang']).optional(),
  code: z.enum(['SlowDown', 'InternalError', 'NoSuchKey', 'AccessDenied', 'ServiceUnavailable']).optional(),
  retryAfterSec: nonNegative.optional(),
});

const throttle = z.strictObject({ ...common, type: z.literal('throttle'), bytesPerSecond: positive });

export const ruleSchema = z
  .discriminatedUnion('type', [latency, visibilityLag, deleteLag, staleListing, error, throttle])
  .refine((r) => r.stopAfterMs === undefined || r.stopAfterMs >= (r.startAfterMs ?? 0), {
    message: 'stopAfterMs must not be before startAfterMs',
    path: ['stopAfterMs'],
  });

// Both directions, so the schema and the hand-written contract cannot drift apart silently.
type Parsed = z.infer<typeof ruleSchema>;
const _specIsParsed = (r: RuleSpec): Parsed => r;
const _parsedIsSpec = (r: Parsed): RuleSpec => r;
void _specIsParsed;
void _parsedIsSpec;

export type RuleParseResult = { ok: true; rule: RuleSpec } | { ok: false; field: string; message: string };

/** Validates one rule; on failure names the first bad field as a dotted path (`match.operations.0`). */
export function parseRule(input: unknown): RuleParseResult {
  const result = ruleSchema.safeParse(input);
  if (result.success) return { ok: true, rule: result.data };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, field: '', message: 'invalid rule' };
  let path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path = [...path, issue.keys[0] ?? ''];
  if (path.length === 0 && (issue.code === 'invalid_union' || issue.code === 'invalid_type')) {
    const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
    path = isObject ? ['type'] : [];
  }
  const field = path.join('.');
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field`
      : field === 'type' && path.length === 1
        ? typeMessage(input)
        : issue.message;
  return { ok: false, field, message: `${field || 'rule'}: ${message}` };
}

function typeMessage(input: unknown): string {
  const type = (input as { type?: unknown }).type;
  return `unknown rule type ${JSON.stringify(type)} (expected latency, visibility-lag, delete-lag, stale-listing, error or throttle)`;
}
