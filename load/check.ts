// Turns a co-load result into a check for the verdict: a threshold breach is a warning unless the profile
// makes it a failure; a k6 that failed to run leaves the check undecided.
import type { CheckResult } from '../record/index.js';
import type { RunK6Result } from './runner.js';

/** The co-load's entry in the verdict: a check result under one fixed name. */
export interface CoLoadCheck extends CheckResult {
  name: 'co-load-thresholds';
}

export function coLoadCheck(
  result: Pick<RunK6Result, 'exitCode' | 'thresholdsBreached' | 'failed' | 'summary' | 'stderrTail'> &
    Partial<Pick<RunK6Result, 'stopped'>>,
  { breachIsFailure = false }: { breachIsFailure?: boolean } = {},
): CoLoadCheck {
  const severity = breachIsFailure ? 'error' : 'warn';
  const total = result.summary?.total;
  const measured =
    total === undefined
      ? ''
      : ` (${total.count} operations, error rate ${(total.errorRate * 100).toFixed(2)}%, p95 ${total.p95Ms.toFixed(0)} ms)`;
  if (result.thresholdsBreached) {
    const crossed = Object.entries(result.summary?.thresholds ?? {}).flatMap(([metric, results]) =>
      results.filter((r) => !r.ok).map((r) => `${metric} ${r.condition}`),
    );
    const which = crossed.length > 0 ? `: ${crossed.join(', ')}` : '';
    return {
      name: 'co-load-thresholds',
      valid: false,
      severity,
      message: `k6 co-load crossed its thresholds${which}${measured}`,
      evidence: [],
    };
  }
  if (result.failed) {
    const lastLine = result.stderrTail.trim().split('\n').at(-1) ?? '';
    return {
      name: 'co-load-thresholds',
      valid: 'unknown',
      severity,
      message: `k6 co-load failed with exit code ${result.exitCode}: ${lastLine}`,
      evidence: [],
    };
  }
  return {
    name: 'co-load-thresholds',
    valid: true,
    severity,
    message: `k6 co-load stayed within its thresholds${measured}${result.stopped ? ', stopped when the run was over' : ''}`,
    evidence: [],
  };
}
