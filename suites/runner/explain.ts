// What a run found, in a few plain sentences, for a reader who has no terminal summary (the mocha specs'
// failure message): the verdict, the checks behind it (their messages already name objects and times), and
// the race witness. The CLI prints the terminal summary instead (reports/), which lists the same checks.
import type { RunMeta, Verdict } from '../../record/index.js';
import { componentsLine, longhornLabel } from '../../reports/index.js';

export function findingsInPlainWords(meta: RunMeta, verdict: Verdict): string[] {
  const lines: string[] = [];
  const failed = verdict.checks.filter((c) => c.severity === 'error' && c.valid === false);
  const unknown = verdict.checks.filter((c) => c.severity === 'error' && c.valid === 'unknown');
  const witnesses = verdict.checks.filter((c) => c.name === 'race-witness' && c.valid === false);
  if (verdict.valid === false) {
    lines.push(`Found: ${failed.length} invariant violation(s) against ${longhornLabel(meta)}.`);
    for (const check of failed.slice(0, 6)) {
      lines.push(`  - ${check.name}${check.subject ? ` on ${check.subject}` : ''}: ${check.message}`);
    }
  } else if (verdict.valid === true) {
    lines.push(`Nothing found: every invariant held against ${longhornLabel(meta)}.`);
  } else {
    lines.push('Undecided: the run could not judge everything.');
    for (const check of unknown.slice(0, 4)) lines.push(`  - ${check.name}: ${check.message}`);
  }
  const components = componentsLine(meta);
  if (components) lines.push(`  ${components}.`);
  for (const check of witnesses.slice(0, 3)) {
    lines.push(`  race witness${check.subject ? ` (${check.subject})` : ''}: ${check.message}`);
  }
  return lines;
}
