// The few lines printed at the end of every run: checks grouped (failures first), the verdict, where the
// report is and the repro command. Each finding is said once, here: the verdict line counts what the
// groups above it list. Plain text: the caller decides about colour.
import type { CheckResult, RunMeta, Verdict } from '../../record/index.js';
import { componentsLine } from '../model/components.js';

type Outcome = 'failed' | 'unknown' | 'warning' | 'passed';

function outcomeOf(check: CheckResult): Outcome {
  if (check.valid === true) return 'passed';
  if (check.severity === 'warn') return 'warning';
  return check.valid === false ? 'failed' : 'unknown';
}

const MARK: Record<Outcome, string> = { failed: '✗', unknown: '?', warning: '!', passed: '✓' };
/** The verdict in one line, with the counts of the groups above it. */
function verdictLine(meta: RunMeta, verdict: Verdict, groups: Record<Outcome, CheckResult[]>): string {
  const against = `Longhorn ${meta.longhorn.version}${meta.longhorn.simulated ? ' (simulated)' : ''}`;
  if (verdict.valid === true) return `PASS: every invariant held against ${against}`;
  if (verdict.valid === false)
    return `FAIL: ${groups.failed.length} invariant violation(s) against ${against}, listed under failed`;
  const undecided = groups.unknown.length;
  return `UNKNOWN: the run could not decide (${undecided} check(s) undecided, listed under unknown)`;
}
/** The co-load's result, said on a line of its own when it passed (else it is listed with the others). */
const CO_LOAD = 'co-load-thresholds';
/** Lines listed per group before the rest is counted: a long soak must not flood the terminal. */
const MAX_LISTED = 10;

function where(check: CheckResult): string {
  const parts = [
    check.scenario,
    check.iteration === undefined ? undefined : `#${check.iteration}`,
    check.subject,
  ];
  return parts.filter((p) => p !== undefined).join(' ');
}

function line(check: CheckResult, outcome: Outcome): string {
  const evidence =
    check.evidence.length > 0
      ? ` (evidence ${check.evidence
          .slice(0, 5)
          .map((id) => `#${id}`)
          .join(' ')}${check.evidence.length > 5 ? ' …' : ''})`
      : '';
  const scope = where(check);
  return `  ${MARK[outcome]} ${check.name}${scope ? ` [${scope}]` : ''}: ${check.message}${evidence}`;
}

export function terminalSummary(
  meta: RunMeta,
  verdict: Verdict,
  paths: { runDir: string; junitPath: string; htmlPath: string },
): string {
  const groups: Record<Outcome, CheckResult[]> = { failed: [], unknown: [], warning: [], passed: [] };
  for (const check of verdict.checks) groups[outcomeOf(check)].push(check);
  const out: string[] = [
    `lhchaos ${meta.runId} (${meta.profile}, Longhorn ${meta.longhorn.version}, seed ${meta.seed})`,
  ];
  const components = componentsLine(meta);
  if (components) out.push(components);
  for (const outcome of ['failed', 'unknown', 'warning'] as const) {
    const checks = groups[outcome];
    if (checks.length === 0) continue;
    out.push(`${outcome} (${checks.length}):`);
    out.push(...checks.slice(0, MAX_LISTED).map((c) => line(c, outcome)));
    if (checks.length > MAX_LISTED) out.push(`  … ${checks.length - MAX_LISTED} more in the report`);
  }
  if (groups.passed.length > 0) {
    const byName = new Map<string, number>();
    for (const check of groups.passed) byName.set(check.name, (byName.get(check.name) ?? 0) + 1);
    const names = [...byName].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
    out.push(`passed (${groups.passed.length}): ${names}`);
  }
  for (const check of groups.passed.filter((c) => c.name === CO_LOAD)) out.push(`co-load: ${check.message}`);
  if (verdict.checks.length === 0) out.push('no checks ran');
  out.push(`verdict: ${verdictLine(meta, verdict, groups)}`);
  out.push(`report:  ${paths.htmlPath}`);
  out.push(`junit:   ${paths.junitPath}`);
  out.push(`record:  ${paths.runDir}`);
  for (const log of meta.logs ?? []) out.push(`log:     ${paths.runDir}/${log}`);
  out.push(`repro:   ${meta.repro}`);
  return out.join('\n') + '\n';
}
