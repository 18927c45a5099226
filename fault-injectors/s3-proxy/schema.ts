// Validation of rule JSON (control API, rules files): the rule's `type` picks its registered schema
// (rules/<type>.ts), and a parse that names the first bad field, so a `400` or a CLI error says exactly
// what to fix. The list of types is the registry's: a new rule type is known here once it is registered.
import type { z } from 'zod';
import { registeredRuleTypes, ruleDefinition } from './rules/index.js';
import type { RuleSpec } from './types.js';

export type RuleParseResult = { ok: true; rule: RuleSpec } | { ok: false; field: string; message: string };

/** Validates one rule; on failure names the first bad field as a dotted path (`match.operations.0`). */
export function parseRule(input: unknown): RuleParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, field: '', message: 'rule: expected an object' };
  }
  const type = (input as { type?: unknown }).type;
  const definition = typeof type === 'string' ? ruleDefinition(type) : undefined;
  if (!definition) {
    const known = registeredRuleTypes();
    const expected = `${known.slice(0, -1).join(', ')} or ${known.at(-1)}`;
    return {
      ok: false,
      field: 'type',
      message: `type: unknown rule type ${JSON.stringify(type)} (expected ${expected})`,
    };
  }
  const result = definition.schema.safeParse(input);
  if (!result.success) return firstIssue(result.error.issues);
  const rule = result.data;
  if (rule.stopAfterMs !== undefined && rule.stopAfterMs < (rule.startAfterMs ?? 0)) {
    return {
      ok: false,
      field: 'stopAfterMs',
      message: 'stopAfterMs: stopAfterMs must not be before startAfterMs',
    };
  }
  return { ok: true, rule };
}

function firstIssue(issues: z.core.$ZodIssue[]): RuleParseResult {
  const issue = issues[0];
  if (!issue) return { ok: false, field: '', message: 'invalid rule' };
  let path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path = [...path, issue.keys[0] ?? ''];
  const field = path.join('.');
  const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  return { ok: false, field, message: `${field || 'rule'}: ${message}` };
}
