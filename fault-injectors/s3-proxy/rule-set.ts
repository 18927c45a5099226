// The active rules, in the order they were added: selectors, limits, probability and counters around each
// rule (toxiproxy's ToxicWrapper), so a rule itself only says what it does. Every random draw a rule makes
// for a request comes from a stream of that request's own, derived from the seed, the rule's name and the
// request's identity (requestStream below), so the same request gets the same decision in every run of the
// seed, whatever the requests that arrived before it (docs/design.md#one-seed).
import { SeededRandom, type Clock } from '../../common/index.js';
import { globToRegExp } from './glob.js';
import {
  createRule,
  isCleanup,
  isInheriting,
  isScoped,
  RequestPlan,
  type Rule,
  type RuleRequest,
} from './rules/index.js';
import type { StoreRecord } from './store-record.js';
import type { RuleCounters, RuleSpec } from './types.js';

export class RuleEntry {
  readonly counters: RuleCounters;
  private readonly keyPatterns: RegExp[];

  constructor(
    readonly spec: RuleSpec,
    readonly rule: Rule,
    addedAt: number,
    counters?: RuleCounters,
  ) {
    this.counters = counters
      ? { ...counters, type: spec.type }
      : { name: spec.name, type: spec.type, matched: 0, applied: 0, addedAt };
    const m = spec.match;
    this.keyPatterns = [
      ...(m?.key !== undefined ? [globToRegExp(m.key)] : []),
      ...(m?.keyRegex !== undefined ? [new RegExp(m.keyRegex)] : []),
    ];
  }

  keyMatches(key: string): boolean {
    return this.keyPatterns.every((p) => p.test(key));
  }

  /** Operation, bucket and key selectors. A request without a key (DeleteObjects) defers the key test. */
  selects(request: RuleRequest): boolean {
    const m = this.spec.match;
    const scope = isScoped(this.rule) ? this.rule.triggers : undefined;
    if (scope && !scope.includes(request.op)) return false;
    if (m?.operations && !m.operations.includes(request.op)) return false;
    if (m?.bucket !== undefined && m.bucket !== request.bucket) return false;
    const subject = request.key ?? request.prefix;
    if (subject === undefined) return request.op === 'DeleteObjects' || this.keyPatterns.length === 0;
    return this.keyMatches(subject);
  }

  /** Time window, after-N, max-count, then the probability draw (only when everything else allows it). */
  admits(now: number, draws: SeededRandom): boolean {
    const s = this.spec;
    const elapsed = now - this.counters.addedAt;
    if (s.startAfterMs !== undefined && elapsed < s.startAfterMs) return false;
    if (s.stopAfterMs !== undefined && elapsed >= s.stopAfterMs) return false;
    if (s.afterN !== undefined && this.counters.matched <= s.afterN) return false;
    if (s.maxCount !== undefined && this.counters.applied >= s.maxCount) return false;
    return draws.chance(s.probability ?? 1);
  }
}

/**
 * What a request is at a rule, the same in every run that sends it: operation, bucket and key (or listing
 * prefix). With its ordinal among the requests of that identity the rule selected, it names one request.
 */
export function requestIdentity(request: Pick<RuleRequest, 'op' | 'bucket' | 'key' | 'prefix'>): string {
  return [request.op, request.bucket ?? '', request.key ?? request.prefix ?? ''].join('\u0000');
}

/**
 * The random streams for one request at one rule: a pure function of the rule's stream (seed and rule
 * name), the request's identity and its ordinal. `probability` decides admission, `effect` is what the rule
 * draws its effect from (a latency), so a changed probability does not change the delays.
 */
export function requestStreams(
  ruleStream: SeededRandom,
  request: Pick<RuleRequest, 'op' | 'bucket' | 'key' | 'prefix'>,
  ordinal: number,
): { probability: SeededRandom; effect: SeededRandom } {
  const own = ruleStream.derive('request', requestIdentity(request), ordinal);
  return { probability: own.derive('probability'), effect: own.derive('effect') };
}

/** A rule name's stream and how many requests of each identity it selected; kept across updates of the rule. */
interface RuleDraws {
  stream: SeededRandom;
  ordinals: Map<string, number>;
}

export class RuleSet {
  private readonly entries = new Map<string, RuleEntry>();
  private readonly draws = new Map<string, RuleDraws>();
  removed: RuleCounters[] = [];

  constructor(
    private seed: number,
    private readonly clock: Clock,
    private readonly record: StoreRecord,
  ) {}

  list(): RuleEntry[] {
    return [...this.entries.values()];
  }

  get(name: string): RuleEntry | undefined {
    return this.entries.get(name);
  }

  /** Adds a rule, or replaces the one of the same name keeping its counters, start time and state. */
  put(spec: RuleSpec): RuleEntry {
    const previous = this.entries.get(spec.name);
    // One stream and one set of ordinals per rule name, kept across updates (and removals, until a reset),
    // so an update does not replay earlier requests' draws.
    if (!this.draws.has(spec.name)) {
      this.draws.set(spec.name, {
        stream: new SeededRandom(this.seed).derive('rule', spec.name),
        ordinals: new Map(),
      });
    }
    const holder: { entry?: RuleEntry } = {};
    const rule = createRule(spec, {
      clock: this.clock,
      record: this.record,
      keyMatches: (key) => holder.entry?.keyMatches(key) ?? false,
    });
    const entry = new RuleEntry(spec, rule, this.clock.now(), previous?.counters);
    holder.entry = entry;
    if (previous) {
      if (isInheriting(rule) && previous.spec.type === spec.type) rule.inherit(previous.rule);
      if (isCleanup(previous.rule)) previous.rule.cleanup();
    }
    this.entries.set(spec.name, entry);
    return entry;
  }

  delete(name: string): RuleCounters | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    this.entries.delete(name);
    if (isCleanup(entry.rule)) entry.rule.cleanup();
    const counters = { ...entry.counters, removedAt: this.clock.now() };
    this.removed.push(counters);
    return counters;
  }

  /** Removes every rule (reset, lease expiry); returns the names dropped. */
  clear(): string[] {
    const names = [...this.entries.keys()];
    for (const name of names) this.delete(name);
    return names;
  }

  /** `reset`: no rules, no history of removed ones, fresh random streams and ordinals (from `seed` when given). */
  reset(seed?: number): void {
    this.clear();
    this.removed = [];
    this.draws.clear();
    if (seed !== undefined) this.seed = seed;
  }

  /**
   * Runs every rule over one request, in the order added, and returns the plan. Each rule that selects the
   * request gives it the next ordinal of its identity and draws from that request's own streams.
   */
  plan(request: RuleRequest): RequestPlan {
    const plan = new RequestPlan();
    for (const entry of this.entries.values()) {
      if (!entry.selects(request)) continue;
      entry.counters.matched++;
      const name = entry.spec.name;
      const draws = this.draws.get(name) as RuleDraws;
      const identity = requestIdentity(request);
      const ordinal = (draws.ordinals.get(identity) ?? 0) + 1;
      draws.ordinals.set(identity, ordinal);
      plan.ordinals[name] = ordinal;
      const streams = requestStreams(draws.stream, request, ordinal);
      if (!entry.admits(request.now, streams.probability)) continue;
      entry.counters.applied++;
      entry.rule.apply(request, plan, streams.effect);
    }
    return plan;
  }
}
