// The fault-rule interface (toxiproxy style): one required method, optional abilities as separate
// interfaces, and a registry by the type string the control API accepts: each type brings its schema and
// its factory, so the control API's validation and the proxy's rule set learn a new type from it alone.
//
//   client --> [classify] --> rules add effects to a RequestPlan --> [data plane carries out the plan] --> upstream
//
// A rule never touches sockets or bytes: it only says what should happen (delay, refuse, throttle, hide),
// and the data plane does it. That is what keeps every rule from corrupting data.
import type { z } from 'zod';
import type { Clock, SeededRandom } from '../../../common/index.js';
import type { ClassifiedRequest } from '../classify.js';
import type { ObjectMeta, StoreEvent, StoreRecord } from '../store-record.js';
import type { DecisionAction, RuleSpec, RuleSpecs, RuleType, S3ErrorCode, S3Operation } from '../types.js';

export interface RuleRequest extends ClassifiedRequest {
  id: number;
  /** Arrival time, epoch ms from the injected clock. */
  now: number;
}

export type Refusal =
  { kind: 'error'; code: S3ErrorCode; retryAfterSec?: number } | { kind: 'reset' } | { kind: 'hang' };

/** Called after a write or delete succeeded upstream, once per affected key, with the recorded event. */
export type SuccessHook = (bucket: string, key: string, event: StoreEvent) => void;

/** What a listing shows for a key that is not (or no longer) in the store. */
export interface Ghost {
  key: string;
  meta: ObjectMeta;
}

/** A view on listings: which keys to hide and which to add, for one listing answer. */
export interface ListingFilter {
  hides(bucket: string, key: string, now: number): boolean;
  /** Keys to show under `prefix` that the store does not have. */
  ghosts?(bucket: string, prefix: string, now: number): Ghost[];
}

export interface PlanEffect {
  rule: string;
  action: DecisionAction;
  delayMs?: number;
}

/** Everything the rules decided for one request; the data plane carries it out. */
export class RequestPlan {
  requestDelayMs = 0;
  responseDelayMs = 0;
  refusal?: { rule: string; refusal: Refusal };
  bytesPerSecond?: number;
  readonly effects: PlanEffect[] = [];
  readonly listingFilters: { rule: string; filter: ListingFilter }[] = [];
  readonly successHooks: SuccessHook[] = [];
  /**
   * Per rule that selected the request, its ordinal among the requests of the same identity (operation,
   * bucket, key or prefix) that rule selected: what the rule's draws for it are keyed by.
   */
  readonly ordinals: Record<string, number> = {};

  refuse(rule: string, refusal: Refusal): void {
    // The first refusal wins: a later rule cannot turn an error into a hang for the same request.
    this.refusal ??= { rule, refusal };
    this.effects.push({ rule, action: refusal.kind === 'error' ? 'error' : refusal.kind });
  }
}

/** What a rule gets from the proxy when built. */
export interface RuleContext {
  clock: Clock;
  record: StoreRecord;
  /** The rule's key selector (glob/regex), for keys known only after the request (DeleteObjects). */
  keyMatches(key: string): boolean;
}

/**
 * A fault rule. `apply` runs for each request that passed the rule's selectors, limits and probability.
 * `random` is that request's own stream at this rule (seed, rule name, request identity and ordinal;
 * rule-set.ts): whatever the rule draws from it is the same for the same request in every run of the seed.
 */
export interface Rule<S extends RuleSpec = RuleSpec> {
  readonly spec: S;
  apply(request: RuleRequest, plan: RequestPlan, random: SeededRandom): void;
}

/** Optional: the operations a rule is triggered by when `match.operations` is absent (default: all). */
export interface ScopedRule extends Rule {
  readonly triggers: readonly S3Operation[];
}

/** Optional: a filter consulted on every listing, regardless of probability and limits (state it built earlier). */
export interface ListingRule extends Rule {
  readonly listing: ListingFilter;
}

/** Optional: refuses GET/HEAD of keys it hides (answered `404 NoSuchKey`). */
export interface ReadGuardRule extends Rule {
  refusesRead(bucket: string, key: string, now: number): boolean;
}

/** Optional: takes over the state of the rule it replaces on update (same name and type). */
export interface InheritingRule extends Rule {
  inherit(previous: Rule): void;
}

/** Optional: releases timers or memory when removed. */
export interface CleanupRule extends Rule {
  cleanup(): void;
}

export const isScoped = (r: Rule): r is ScopedRule => 'triggers' in r;
export const isListingRule = (r: Rule): r is ListingRule => 'listing' in r;
export const isReadGuard = (r: Rule): r is ReadGuardRule => 'refusesRead' in r;
export const isInheriting = (r: Rule): r is InheritingRule => 'inherit' in r;
export const isCleanup = (r: Rule): r is CleanupRule => 'cleanup' in r;

/**
 * A rule type: the `type` string the control API accepts, the strict schema of its JSON (built with
 * `ruleObject` from fields.ts) and the factory the proxy builds it with. The file that defines a type also
 * adds it to `RuleSpecs` (types.ts), so its spec joins the `RuleSpec` union.
 */
export interface RuleDefinition<T extends RuleType = RuleType> {
  type: T;
  schema: z.ZodType<RuleSpecs[T]>;
  create(spec: RuleSpecs[T], context: RuleContext): Rule;
}

const registry = new Map<string, RuleDefinition>();

/**
 * Registers a rule type (at the bottom of its file). Returns a function that removes it again, for a test
 * that registers a type of its own. A second registration of a type replaces the first.
 */
export function registerRule<T extends RuleType>(definition: RuleDefinition<T>): () => void {
  registry.set(definition.type, definition as unknown as RuleDefinition);
  return () => {
    if (registry.get(definition.type) === (definition as unknown as RuleDefinition)) {
      registry.delete(definition.type);
    }
  };
}

export function ruleDefinition(type: string): RuleDefinition | undefined {
  return registry.get(type);
}

export function createRule(spec: RuleSpec, context: RuleContext): Rule {
  const definition = registry.get(spec.type);
  if (!definition) throw new Error(`no rule registered for type ${spec.type}`);
  return definition.create(spec, context);
}

export function registeredRuleTypes(): string[] {
  return [...registry.keys()];
}

export const bucketKey = (bucket: string, key: string): string => `${bucket}\u0000${key}`;
