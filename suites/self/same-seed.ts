// Two runs of one seed, compared from their records: what is the same by construction (object names,
// rule specs, the keys of the backing images' data), each rule's decisions per request identity (the same
// for every request both runs send that the rule selected: its draws derive from the seed, the rule and
// the request's identity; docs/design.md#one-seed), and what depends on the machine as well: each rule's
// fault decisions in order (the same only when the controllers send the same requests in the same order)
// and listings changed by a lag's marks (what the store held at that moment). The self-test asserts the
// first two; the repeatability bench (bench/repeat) measures them all.
import { readDecisions, readHistory, type DecisionLine } from '../../record/index.js';

export interface ConstructedParts {
  /** Every object name the workload created, in creation order. */
  names: string[];
  /** Every rule armed, as JSON, sorted (reactive rules arm in the order their triggers fire). */
  rules: string[];
  /** Every backing-image key written (cfgs and blocks), sorted and without repeats. */
  imageKeys: string[];
}

const CREATES = new Set(['create-backing-image', 'create-volume', 'system-backup']);

export async function constructedParts(runDir: string): Promise<ConstructedParts> {
  const names: string[] = [];
  const rules: string[] = [];
  for await (const event of readHistory(runDir)) {
    if (event.type === 'op' && event.phase === 'invoke' && CREATES.has(event.f)) {
      names.push(String((event.value as { name?: unknown } | undefined)?.name));
    }
    if (event.type === 'rule' && event.action === 'add') rules.push(JSON.stringify(event.rule));
  }
  const imageKeys = new Set<string>();
  for await (const decision of readDecisions(runDir)) {
    if (decision.op === 'PutObject' && decision.key?.includes('/backing-images/'))
      imageKeys.add(decision.key);
  }
  return { names, rules: rules.sort(), imageKeys: [...imageKeys].sort() };
}

/** One decision as a rule's sequence holds it: what it did to which request (no times, no ids). */
function step(decision: DecisionLine): string {
  const d = decision as DecisionLine & {
    prefix?: string;
    delayMs?: number;
    status?: number;
    hiddenKeys?: string[];
    addedKeys?: string[];
  };
  const parts = [d.op, d.key ?? d.prefix ?? '', d.action];
  if (d.delayMs !== undefined) parts.push(`delay=${d.delayMs}`);
  if (d.status !== undefined) parts.push(`status=${d.status}`);
  if (d.hiddenKeys) parts.push(`hidden=${[...d.hiddenKeys].sort().join(',')}`);
  if (d.addedKeys) parts.push(`added=${[...d.addedKeys].sort().join(',')}`);
  return parts.join(' ');
}

/** Every decision a rule took part in, once per rule, in the order the proxy took them. */
async function ruleDecisions(runDir: string): Promise<{ rule: string; decision: DecisionLine }[]> {
  const byId = new Map<number, DecisionLine>();
  for await (const decision of readDecisions(runDir))
    if (decision.rule !== null) byId.set(decision.id, decision);
  return [...byId.values()]
    .sort((a, b) => a.id - b.id)
    .flatMap((decision) =>
      ((decision.rules as string[] | undefined) ?? [decision.rule as string]).map((rule) => ({
        rule,
        decision,
      })),
    );
}

/** Per rule name, the decisions it took part in, in the order the proxy took them. */
export async function decisionSequences(runDir: string): Promise<Map<string, string[]>> {
  const sequences = new Map<string, string[]>();
  for (const { rule, decision } of await ruleDecisions(runDir)) {
    sequences.set(rule, [...(sequences.get(rule) ?? []), step(decision)]);
  }
  return sequences;
}

/** The part of a decision that is the rules' choice: the action and the drawn delay (not the store's answer). */
function choice(decision: DecisionLine): string {
  const delayMs = (decision as { delayMs?: number }).delayMs;
  return delayMs === undefined ? decision.action : `${decision.action} delay=${delayMs}`;
}

/**
 * Per rule, its decisions keyed by request identity. A request the rule selected is keyed by what the
 * proxy recorded (`ordinals`: operation, key or listing prefix, and the request's ordinal among the rule's
 * requests of that operation and key), the identity its draws derive from; its value is the rule's choice
 * (`-` when it did not act). Records from before `ordinals` existed, and listings a rule changed without
 * selecting them (the marks of a visibility or delete lag, which act on every listing), are keyed by their
 * ordinal among that rule's such decisions in arrival order, marked `~`, with the whole step as the value.
 */
export async function decisionsByRequest(runDir: string): Promise<Map<string, Map<string, string>>> {
  const decisions: DecisionLine[] = [];
  for await (const decision of readDecisions(runDir)) decisions.push(decision);
  decisions.sort((a, b) => a.ts - b.ts || a.id - b.id);
  const byRule = new Map<string, Map<string, string>>();
  const put = (rule: string, request: string, value: string) => {
    const requests = byRule.get(rule) ?? new Map<string, string>();
    requests.set(request, value);
    byRule.set(rule, requests);
  };
  for (const decision of decisions) {
    const subject = `${decision.op} ${String((decision as { key?: string; prefix?: string }).key ?? decision.prefix ?? '')}`;
    const ordinals = (decision.ordinals as Record<string, number> | undefined) ?? {};
    const acting = (decision.rules as string[] | undefined) ?? (decision.rule ? [decision.rule] : []);
    for (const [rule, ordinal] of Object.entries(ordinals)) {
      put(rule, `${subject} #${ordinal}`, acting.includes(rule) ? choice(decision) : '-');
    }
    for (const rule of acting) {
      if (rule in ordinals) continue;
      const requests = byRule.get(rule);
      let n = 1;
      while (requests?.has(`${subject} ~${n}`)) n++;
      put(rule, `${subject} ~${n}`, step(decision));
    }
  }
  return byRule;
}

export interface RequestAgreement {
  rule: string;
  /** Requests both runs made to this rule. */
  common: number;
  /** Of those, how many got the same decision. */
  same: number;
  /** Requests only one run made (a controller sent one more listing, a cfg was written twice). */
  onlyOne: number;
  /** The same three counts for the requests the rule selected (keyed by the proxy's recorded identity). */
  selected: { common: number; same: number; onlyOne: number };
  /** Requests both runs made that got different decisions (at most 5, for the report). */
  differing: { request: string; decisions: [string, string] }[];
}

/** Rule by rule: did the requests both runs made get the same decisions, and how many did only one make. */
export function compareByRequest(
  a: Map<string, Map<string, string>>,
  b: Map<string, Map<string, string>>,
): RequestAgreement[] {
  const rules = [...new Set([...a.keys(), ...b.keys()])].sort();
  return rules.map((rule) => {
    const x = a.get(rule) ?? new Map<string, string>();
    const y = b.get(rule) ?? new Map<string, string>();
    const all = { common: 0, same: 0, onlyOne: 0 };
    const selected = { common: 0, same: 0, onlyOne: 0 };
    const differing: RequestAgreement['differing'] = [];
    for (const request of new Set([...x.keys(), ...y.keys()])) {
      const counts = request.includes(' #') ? [all, selected] : [all];
      const [p, q] = [x.get(request), y.get(request)];
      for (const c of counts) {
        if (p === undefined || q === undefined) c.onlyOne++;
        else {
          c.common++;
          if (p === q) c.same++;
        }
      }
      if (p !== undefined && q !== undefined && p !== q && differing.length < 5)
        differing.push({ request, decisions: [p, q] });
    }
    return { rule, ...all, selected, differing };
  });
}

/** Two records compared rule by rule: decision sequences in log order, and decisions per request identity. */
export async function compareRecords(
  a: string,
  b: string,
): Promise<{ sequences: SequenceComparison[]; byRequest: RequestAgreement[] }> {
  return {
    sequences: compareSequences(await decisionSequences(a), await decisionSequences(b)),
    byRequest: compareByRequest(await decisionsByRequest(a), await decisionsByRequest(b)),
  };
}

export interface SequenceComparison {
  rule: string;
  identical: boolean;
  lengths: [number, number];
  /** Index of the first step that differs, when they differ. */
  firstDifference?: number;
}

/** Rule by rule (every rule either run has), whether the two sequences are identical. */
export function compareSequences(a: Map<string, string[]>, b: Map<string, string[]>): SequenceComparison[] {
  const rules = [...new Set([...a.keys(), ...b.keys()])].sort();
  return rules.map((rule) => {
    const x = a.get(rule) ?? [];
    const y = b.get(rule) ?? [];
    let at = 0;
    while (at < x.length && at < y.length && x[at] === y[at]) at++;
    const identical = at === x.length && at === y.length;
    return { rule, identical, lengths: [x.length, y.length], ...(identical ? {} : { firstDifference: at }) };
  });
}
