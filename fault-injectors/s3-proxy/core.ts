// The proxy's state and its in-process control surface (ProxyControl): rules, record, decision log,
// counters and the lease. The HTTP control API and the typed client are thin layers over the same verbs.
import { EventEmitter } from 'node:events';
import type { Clock } from '../../common/index.js';
import { ProxyApiError } from './api-error.js';
import type { DataPlaneStats } from './data-plane.js';
import type { DecisionLog } from './decision-log.js';
import { Lease } from './lease.js';
import { TokenBounds } from './listing.js';
import { RuleSet } from './rule-set.js';
import { parseRule } from './schema.js';
import { StoreRecord } from './store-record.js';
import type {
  DecisionRecord,
  LeaseState,
  ProxyControl,
  ProxyMetrics,
  RuleCounters,
  RuleSpec,
} from './types.js';

/** Things that happen to the proxy itself (not to a request). */
export type ProxyEvent =
  | { type: 'lease-expired'; ts: number; holder: string; droppedRules: string[] }
  | { type: 'reset'; ts: number };

export interface ProxyEvents {
  on(event: 'event', listener: (e: ProxyEvent) => void): this;
  once(event: 'event', listener: (e: ProxyEvent) => void): this;
  off(event: 'event', listener: (e: ProxyEvent) => void): this;
}

export class ProxyCore implements ProxyControl {
  readonly record = new StoreRecord();
  readonly tokens = new TokenBounds();
  readonly rules: RuleSet;
  readonly log: DecisionLog;
  readonly lease: Lease;
  readonly stats: DataPlaneStats = { requestsTotal: 0, requestsDisrupted: 0, upstreamErrors: 0 };
  readonly events: ProxyEvents & EventEmitter = new EventEmitter();
  private lastId = 0;
  private currentSeed: number;

  constructor(
    seed: number,
    readonly clock: Clock,
    log: DecisionLog,
    private readonly onEvent?: (e: ProxyEvent) => void,
  ) {
    this.currentSeed = seed;
    this.rules = new RuleSet(seed, clock, this.record);
    this.log = log;
    this.lease = new Lease(clock, (expired) => {
      const droppedRules = this.rules.clear();
      this.emit({ type: 'lease-expired', ts: this.clock.now(), holder: expired.holder, droppedRules });
    });
  }

  /** The seed the rules' streams derive from. */
  get seed(): number {
    return this.currentSeed;
  }

  nextId(): number {
    return ++this.lastId;
  }

  async listRules(): Promise<RuleSpec[]> {
    return this.rules.list().map((e) => e.spec);
  }

  async addRule(rule: RuleSpec): Promise<RuleSpec> {
    const spec = validate(rule);
    if (this.rules.get(spec.name))
      throw new ProxyApiError(`rule ${spec.name} exists (PUT /rules/${spec.name} to update)`, 409, 'name');
    return this.rules.put(spec).spec;
  }

  async updateRule(name: string, rule: RuleSpec): Promise<RuleSpec> {
    const named = { ...rule, name: (rule as { name?: string }).name ?? name } as RuleSpec;
    const spec = validate(named);
    if (spec.name !== name)
      throw new ProxyApiError(`name ${spec.name} differs from the rule addressed (${name})`, 400, 'name');
    return this.rules.put(spec).spec;
  }

  async deleteRule(name: string): Promise<RuleCounters> {
    const counters = this.rules.delete(name);
    if (!counters) throw new ProxyApiError(`no rule named ${name}`, 404, 'name');
    return counters;
  }

  /**
   * Drops every rule, the counters of removed ones and the random streams; keeps the record and the log.
   * With `seed`, the new streams derive from it: a runner gives the proxy its own run's seed this way.
   */
  async reset(options: { seed?: number } = {}): Promise<void> {
    const { seed } = options;
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)) {
      throw new ProxyApiError('seed: a non-negative integer is required', 400, 'seed');
    }
    this.rules.reset(seed);
    if (seed !== undefined) this.currentSeed = seed;
    this.emit({ type: 'reset', ts: this.clock.now() });
  }

  async metrics(): Promise<ProxyMetrics> {
    return {
      ...this.stats,
      rules: this.rules.list().map((e) => ({ ...e.counters })),
      removedRules: this.rules.removed.map((c) => ({ ...c })),
      lease: this.lease.current,
      seed: this.currentSeed,
    };
  }

  async decisions(afterId = 0): Promise<DecisionRecord[]> {
    return this.log.after(afterId);
  }

  async acquireLease(holder: string, ttlMs: number): Promise<LeaseState> {
    return this.lease.acquire(checkHolder(holder), checkTtl(ttlMs));
  }

  async renewLease(holder: string, ttlMs?: number): Promise<LeaseState> {
    return this.lease.renew(checkHolder(holder), ttlMs === undefined ? undefined : checkTtl(ttlMs));
  }

  async releaseLease(holder: string): Promise<void> {
    this.lease.release(checkHolder(holder));
  }

  private emit(event: ProxyEvent): void {
    this.onEvent?.(event);
    this.events.emit('event', event);
  }
}

function validate(rule: unknown): RuleSpec {
  const parsed = parseRule(rule);
  if (!parsed.ok) throw new ProxyApiError(parsed.message, 400, parsed.field);
  return parsed.rule;
}

function checkHolder(holder: unknown): string {
  if (typeof holder !== 'string' || holder === '')
    throw new ProxyApiError('holder: a non-empty string is required', 400, 'holder');
  return holder;
}

function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new ProxyApiError('ttlMs: a positive number of milliseconds is required', 400, 'ttlMs');
  }
  return ttlMs;
}
