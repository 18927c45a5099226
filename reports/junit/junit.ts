// JUnit XML from the run record: a testsuite per scenario, a testcase per invariant and iteration. A false
// check is a <failure> with its evidence lines, unknown is an <error>, warnings go to <system-out>
// (docs/design.md#three-valued-verdicts). Written with fast-xml-parser's builder, which escapes text and attributes.
import { XMLBuilder } from 'fast-xml-parser';
import type { CheckResult, RunMeta, Validity, Verdict } from '../../record/index.js';
import { describeEvent } from '../model/describe.js';
import type { EvidenceIndex, Span } from '../model/evidence.js';

/** Evidence lines quoted per check: enough to see the race, short enough for a CI page. */
const MAX_EVIDENCE_LINES = 20;
/** Characters XML 1.0 forbids; a log line may carry them. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const clean = (text: string): string => text.replace(INVALID_XML, '');
const seconds = (span: Span | undefined): string =>
  span ? ((span.to - span.from) / 1000).toFixed(3) : '0.000';

/** Checks grouped as testcases: key = scenario + invariant + iteration. */
interface CaseGroup {
  scenario: string;
  name: string;
  iteration?: number;
  checks: CheckResult[];
}

function worst(checks: CheckResult[]): Validity {
  const errors = checks.filter((c) => c.severity === 'error');
  if (errors.some((c) => c.valid === false)) return false;
  if (errors.some((c) => c.valid === 'unknown')) return 'unknown';
  return true;
}

export function groupCases(meta: RunMeta, verdict: Verdict): Map<string, CaseGroup[]> {
  const fallback = meta.scenarios.length === 1 && meta.scenarios[0] ? meta.scenarios[0].name : 'run';
  const suites = new Map<string, CaseGroup[]>();
  for (const scenario of meta.scenarios) suites.set(scenario.name, []);
  const byKey = new Map<string, CaseGroup>();
  for (const check of verdict.checks) {
    const scenario = check.scenario ?? fallback;
    const key = JSON.stringify([scenario, check.name, check.iteration ?? null]);
    let group = byKey.get(key);
    if (!group) {
      group = { scenario, name: check.name, checks: [] };
      if (check.iteration !== undefined) group.iteration = check.iteration;
      byKey.set(key, group);
      const cases = suites.get(scenario) ?? [];
      cases.push(group);
      suites.set(scenario, cases);
    }
    group.checks.push(check);
  }
  return suites;
}

function caseName(group: CaseGroup): string {
  return group.iteration === undefined ? group.name : `${group.name} [iteration ${group.iteration}]`;
}

function checkText(check: CheckResult, index: EvidenceIndex): string {
  const subjectNamed = !check.subject || check.message.includes(check.subject);
  const head = subjectNamed ? check.message : `${check.subject}: ${check.message}`;
  const ordered = [...check.evidence].sort((a, b) => a - b);
  const lines = ordered.slice(0, MAX_EVIDENCE_LINES).map((id) => {
    const event = index.events.get(id);
    return `  ${event ? describeEvent(event) : `#${id} (not in history.jsonl)`}`;
  });
  if (check.evidence.length > MAX_EVIDENCE_LINES) {
    lines.push(
      `  … and ${check.evidence.length - MAX_EVIDENCE_LINES} more evidence events (see report.html)`,
    );
  }
  return clean([head, ...(lines.length > 0 ? ['evidence:', ...lines] : [])].join('\n'));
}

function caseTime(group: CaseGroup, index: EvidenceIndex): string {
  const spans = group.checks.flatMap((c) => {
    const subject = c.subject ? index.subjects.get(c.subject) : undefined;
    if (subject) return [subject];
    return c.evidence.flatMap((id) => {
      const event = index.events.get(id);
      return event ? [{ from: event.t, to: event.t }] : [];
    });
  });
  if (spans.length === 0) return '0.000';
  return seconds({ from: Math.min(...spans.map((s) => s.from)), to: Math.max(...spans.map((s) => s.to)) });
}

function testcase(group: CaseGroup, index: EvidenceIndex): Record<string, unknown> {
  const node: Record<string, unknown> = {
    '@_name': caseName(group),
    '@_classname': group.scenario,
    '@_time': caseTime(group, index),
  };
  const valid = worst(group.checks);
  const failing = group.checks.filter((c) => c.severity === 'error' && c.valid === valid && valid !== true);
  if (valid !== true) {
    const first = failing[0];
    node[valid === false ? 'failure' : 'error'] = {
      '@_message': clean(first ? first.message : ''),
      '@_type': valid === false ? 'InvariantViolated' : 'Undecided',
      '#text': failing.map((c) => checkText(c, index)).join('\n\n'),
    };
  }
  const warnings = group.checks.filter((c) => c.severity === 'warn' && c.valid !== true);
  if (warnings.length > 0) {
    node['system-out'] = warnings.map((c) => `warning (${c.name}): ${checkText(c, index)}`).join('\n\n');
  }
  return node;
}

function properties(meta: RunMeta): { '@_name': string; '@_value': string }[] {
  const entries: [string, string][] = [
    ['run.id', meta.runId],
    ['seed', String(meta.seed)],
    ['profile', meta.profile],
    ['env', meta.env],
    ['longhorn.version', meta.longhorn.version],
    ['longhorn.simulated', String(meta.longhorn.simulated)],
  ];
  if (meta.longhorn.bugs && meta.longhorn.bugs.length > 0)
    entries.push(['longhorn.bugs', meta.longhorn.bugs.join(',')]);
  for (const [tool, version] of Object.entries(meta.tools)) entries.push([`tool.${tool}`, version]);
  entries.push(['repro', meta.repro]);
  return entries.map(([name, value]) => ({ '@_name': name, '@_value': clean(value) }));
}

/** The whole junit.xml document as a string. */
export function buildJunitXml(meta: RunMeta, verdict: Verdict, index: EvidenceIndex): string {
  const suites = [...groupCases(meta, verdict)].map(([scenario, groups]) => {
    const cases = groups.map((g) => testcase(g, index));
    const count = (key: string) => cases.filter((c) => key in c).length;
    return {
      '@_name': scenario,
      '@_tests': cases.length,
      '@_failures': count('failure'),
      '@_errors': count('error'),
      '@_skipped': 0,
      '@_time': seconds(index.scenarios.get(scenario) ?? index.run),
      '@_timestamp': meta.startedAt,
      properties: { property: properties(meta) },
      testcase: cases,
    };
  });
  const total = (key: '@_tests' | '@_failures' | '@_errors') => suites.reduce((sum, s) => sum + s[key], 0);
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': `lhchaos ${meta.runId}`,
      '@_tests': total('@_tests'),
      '@_failures': total('@_failures'),
      '@_errors': total('@_errors'),
      '@_time': seconds(index.run),
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    suppressBooleanAttributes: false,
  });
  return builder.build(document) as string;
}
