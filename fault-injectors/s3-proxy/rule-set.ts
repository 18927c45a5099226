// The active rules, in the order they were added: selectors, limits, probability and counters around each
// rule (toxiproxy's ToxicWrapper), so a rule itself only says what it does.
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
  admits(now: number, random: SeededRandom): boolean {
    const s = this.spec;
    const elapsed = now - this.counters.addedAt;
    if (s.startAfterMs !== undefined && elapsed < s.startAfterMs) return false;
    if (s.stopAfterMs !== undefined && elapsed >= s.stopAfterMs) return false;
    if (s.afterN !== undefined && this.counters.matched <= s.afterN) return false;
    if (s.maxCount !== undefined && this.counters.applied >= s.maxCount) return false;
    return random.chance(s.probability ?? 1);
  }
}

export class RuleSet {
  private readonly entries = new Map<string, RuleEntry>();
  private readonly randoms = new Map<string, SeededRandom>();
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
    // One stream per rule name, kept across updates, so an update does not replay earlier draws.
    let random = this.randoms.get(spec.name);
    if (!random) {
      random = new SeededRandom(this.seed).derive('rule', spec.name);
      this.randoms.set(spec.name, random);
    }
    const holder: { entry?: RuleEntry } = {};
    const rule = createRule(spec, {
      random,
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

  /** `reset`: no rules, no history of removed ones, fresh random streams (from `seed` when given). */
  reset(seed?: number): void {
    this.clear();
    this.removed = [];
    this.randoms.clear();
    if (seed !== undefined) this.seed = seed;
  }

  /** Runs every rule over one request, in the order added, and returns the plan. */
  plan(request: RuleRequest): RequestPlan {
    const plan = new RequestPlan();
    for (const entry of this.entries.values()) {
      if (!entry.selects(request)) continue;
      entry.counters.matched++;
      const random = this.randoms.get(entry.spec.name) as SeededRandom;
      if (!entry.admits(request.now, random)) continue;
      entry.counters.applied++;
      entry.rule.apply(request, plan);
    }
    return plan;
  }
}
