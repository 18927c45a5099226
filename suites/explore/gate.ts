// The outcome of an exploration. A failure seen is a failure (exit 1). Without one, it passes only when it
// ran to its budget and at least one run reached a true verdict; cut short or never judged is unknown (3).
// As the nightly gate (`--profile explore`), only known bugs fail: any other failure is a new finding to
// triage, which makes the outcome unknown rather than red.
import type { ExploreSummary } from './summary.js';

export function judgeExploration(
  summary: Pick<ExploreSummary, 'runs' | 'failures' | 'interrupted' | 'coverage'>,
  gate: boolean,
): { outcome: ExploreSummary['outcome']; reason: string } {
  const runs = summary.runs.length;
  const known = summary.failures.filter((g) => g.knownBug !== undefined);
  const found = summary.failures.filter((g) => g.knownBug === undefined);
  const describe = (groups: ExploreSummary['failures']) =>
    groups.map((g) => `${g.check} on ${g.subjectKind}${g.knownBug ? ` (${g.knownBug})` : ''}`).join('; ');
  if (gate && known.length > 0)
    return { outcome: 'fail', reason: `known bug(s) reached: ${describe(known)}` };
  if (!gate && summary.failures.length > 0)
    return {
      outcome: 'fail',
      reason: `${summary.failures.length} distinct failure(s): ${describe(summary.failures)}`,
    };
  if (found.length > 0) return { outcome: 'unknown', reason: `new finding(s) to triage: ${describe(found)}` };
  const cut = summary.interrupted ? `cut short after ${runs} run(s)` : '';
  if (runs === 0) return { outcome: 'unknown', reason: cut || 'no run finished' };
  const judged = summary.runs.filter((r) => r.verdict === true).length;
  if (summary.interrupted) return { outcome: 'unknown', reason: `${cut}; nothing failed so far` };
  if (judged === 0) return { outcome: 'unknown', reason: `none of ${runs} run(s) reached a verdict` };
  return {
    outcome: 'pass',
    reason: `${runs} run(s), ${judged} passed, no failure; coverage ${summary.coverage.covered}/${summary.coverage.reachable} reachable cells`,
  };
}
