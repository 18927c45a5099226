// Two runs of one seed, compared from their records: what is the same by construction (object names,
// rule specs, the keys of the backing images' data) and what depends on the machine as well: each rule's
// fault decisions in order (the same only when the controllers send the same requests in the same order),
// and the decisions per request (the same whenever both runs send that request). The self-test asserts
// the first; the repeatability bench (bench/repeat) measures the others.
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

/**
 * Per rule, its decisions keyed by the request they acted on: operation, key (or listing prefix) and the
 * ordinal of that request among the rule's requests of that operation and key. Two runs that send the same
 * requests in another order (concurrent uploads) have the same entries.
 */
export async function decisionsByRequest(runDir: string): Promise<Map<string, Map<string, string>>> {
  const byRule = new Map<string, Map<string, string>>();
  for (const { rule, decision } of await ruleDecisions(runDir)) {
    const requests = byRule.get(rule) ?? new Map<string, string>();
    const request = `${decision.op} ${String((decision as { key?: string; prefix?: string }).key ?? decision.prefix ?? '')}`;
    let n = 1;
    while (requests.has(`${request} #${n}`)) n++;
    requests.set(`${request} #${n}`, step(decision));
    byRule.set(rule, requests);
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
    let common = 0;
    let same = 0;
    for (const [request, decision] of x) {
      if (!y.has(request)) continue;
      common++;
      if (y.get(request) === decision) same++;
    }
    return { rule, common, same, onlyOne: x.size + y.size - 2 * common };
  });
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
