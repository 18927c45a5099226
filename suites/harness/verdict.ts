// Three-valued verdicts (docs/design.md#three-valued-verdicts, after Jepsen's merge-valid/check-safe): composing keeps the
// worst, only error-severity checks decide, and a crashing checker says "unknown" instead of crashing the run.
import { UsageError } from '../../common/index.js';
import type { CheckResult, Validity, Verdict } from '../../record/index.js';

function rank(v: Validity): number {
  return v === true ? 0 : v === 'unknown' ? 1 : 2;
}

/** The worse of two truth values: false > unknown > true. */
export function worst(a: Validity, b: Validity): Validity {
  return rank(a) >= rank(b) ? a : b;
}

/** The worst of many truth values; `whenEmpty` when there are none. */
export function worstOf(values: Iterable<Validity>, whenEmpty: Validity = true): Validity {
  let result: Validity | undefined;
  for (const v of values) result = result === undefined ? v : worst(result, v);
  return result ?? whenEmpty;
}

/**
 * The verdict over a list of checks. Only `severity: 'error'` checks decide `valid`; warnings are carried
 * along for people. With no error check at all nothing was decided, so the verdict is `unknown`, not a pass.
 */
export function composeVerdict(checks: readonly CheckResult[]): Verdict {
  const deciding = checks.filter((c) => c.severity === 'error').map((c) => c.valid);
  return { valid: worstOf(deciding, 'unknown'), checks: [...checks] };
}

/** Several verdicts (scenarios) as one: all their checks, composed again. */
export function mergeVerdicts(verdicts: readonly Verdict[]): Verdict {
  return composeVerdict(verdicts.flatMap((v) => v.checks));
}

/**
 * Runs one checker; a throw or rejection becomes a single `unknown` result that carries the error
 * message, so one broken checker can neither crash the run nor pass it. A `UsageError` is not a broken
 * checker but a malformed record (the reader names the file, line and field): it propagates, so that
 * `lhchaos report` exits 2 and writes nothing.
 */
export async function checkSafe(
  name: string,
  fn: () => CheckResult | CheckResult[] | Promise<CheckResult | CheckResult[]>,
  context: { scenario?: string } = {},
): Promise<CheckResult[]> {
  try {
    const result = await fn();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return [crashedCheck(name, error, context.scenario)];
  }
}

/** The result that stands for a checker that crashed. */
export function crashedCheck(name: string, error: unknown, scenario?: string): CheckResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    name,
    valid: 'unknown',
    severity: 'error',
    message: `checker ${name} crashed: ${message}`,
    evidence: [],
    ...(scenario === undefined ? {} : { scenario }),
  };
}
