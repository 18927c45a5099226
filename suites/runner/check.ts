// Judging a run from its record alone: the oracles' checkers per scenario (with the scenario's fault
// class and the run's stall window), plus the runner's own account of whether the record tells a whole
// run (completion.ts). The live run and `lhchaos report` both call this on the written history, so they
// cannot disagree.
import { coLoadCheck } from '../../load/index.js';
import { checkHistory } from '../oracles/index.js';
import { checkSafe, composeVerdict } from '../harness/index.js';
import type { CheckResult, HistoryEvent, RunMeta, Verdict } from '../../record/index.js';
import type { CoLoadEventFields } from './co-load.js';
import { runnerCompleted } from './completion.js';

export type HistorySource = () => AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>;

/**
 * `co-load-thresholds`, rebuilt from the k6 event the run recorded (co-load.ts): a breach is a warning, or
 * a failure when the run was started with `--co-load fail`.
 */
async function coLoadChecks(history: HistorySource): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for await (const event of history()) {
    if (event.type !== 'log' || event.source !== 'k6' || !event.fields) continue;
    const f = event.fields as Partial<CoLoadEventFields>;
    const exitCode = typeof f.exitCode === 'number' ? f.exitCode : -1;
    const check = coLoadCheck(
      {
        exitCode,
        thresholdsBreached: f.thresholdsBreached === true,
        // Records from before `failed` was recorded: any exit but 0 and 99 was a failure.
        failed: f.failed ?? (exitCode !== 0 && exitCode !== 99),
        stopped: f.stopped === true,
        summary: f.summary ?? null,
        stderrTail: f.stderrTail ?? '',
      },
      { breachIsFailure: f.breach === 'fail' },
    );
    results.push({ ...check, evidence: [event.id] });
  }
  return results;
}

function unfinishedScenarios(runnerChecksFound: CheckResult[], all: string[]): Set<string> {
  const unfinished = new Set<string>();
  for (const check of runnerChecksFound) {
    if (check.valid === true) continue;
    // A failure outside any scenario (setup, the loop itself) leaves every scenario unfinished.
    for (const name of check.scenario ? [check.scenario] : all) unfinished.add(name);
  }
  return unfinished;
}

/**
 * A liveness check ("eventually everything completes") can only pass after the scenario reached
 * quiescence. When a scenario did not finish (interrupted, or a runner step failed), its `false` means
 * "not yet", not "never": it becomes unknown. Safety checks (a stall seen past the window among them) keep
 * their `false`. Each checker declares which it is (`StreamingChecker.property`).
 */
function judgeUnfinished(check: CheckResult, unfinished: Set<string>): CheckResult {
  if (check.valid !== false || check.property !== 'liveness') return check;
  if (check.scenario === undefined || !unfinished.has(check.scenario)) return check;
  return {
    ...check,
    valid: 'unknown',
    message: `the scenario did not finish, so this cannot be judged: ${check.message}`,
  };
}

export async function judgeRun(history: HistorySource, meta: RunMeta): Promise<Verdict> {
  const checks: CheckResult[] = [];
  for (const scenario of meta.scenarios) {
    const verdict = await checkSafe(
      'check-history',
      async () =>
        (
          await checkHistory(history(), {
            stallWindowMs: meta.stallWindowMs,
            faultClass: scenario.faultClass ?? 'benign',
            scenario: scenario.name,
          })
        ).checks,
      { scenario: scenario.name },
    );
    checks.push(...verdict);
  }
  const scenarioNames = meta.scenarios.map((s) => s.name);
  const completion = await checkSafe('runner-completed', () => runnerCompleted(history, meta));
  const unfinished = unfinishedScenarios(completion, scenarioNames);
  const judged = checks.map((check) => judgeUnfinished(check, unfinished));
  judged.push(...completion);
  judged.push(...(await checkSafe('co-load-thresholds', () => coLoadChecks(history))));
  return composeVerdict(judged);
}
