// The fields every rule has (name, selectors, limits) as zod, and `ruleObject` to build a rule type's
// strict schema from them plus its own fields. A rule file derives its spec type from that schema, so the
// JSON a rule accepts and the type its code sees cannot differ.
import { z } from 'zod';
import { S3_OPERATIONS, type RuleLimits, type RuleMatch } from '../types.js';

export const nonNegative = z.number().finite().nonnegative();
export const positive = z.number().finite().positive();

/** The source of a JavaScript regular expression (also what schedule files match keys with). */
export const regexSource = z
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
  );

const match = z.strictObject({
  operations: z.array(z.enum(S3_OPERATIONS)).optional(),
  bucket: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  keyRegex: regexSource.optional(),
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

/** A rule type's strict schema: the common fields, `type: <type>`, and its own fields. */
export function ruleObject<const T extends string, F extends z.ZodRawShape>(type: T, fields: F) {
  return z.strictObject({ ...common, type: z.literal(type), ...fields });
}

// Both directions, so the schema and the documented contract in types.ts cannot drift apart silently.
type Common = z.infer<ReturnType<typeof ruleObject<'x', Record<never, never>>>>;
const _commonIsDocumented = (r: Common): RuleLimits & { name: string; match?: RuleMatch } => r;
const _documentedIsCommon = (r: RuleLimits & { name: string; match?: RuleMatch; type: 'x' }): Common => r;
void _commonIsDocumented;
void _documentedIsCommon;
