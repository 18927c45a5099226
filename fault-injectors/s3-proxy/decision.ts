// Turns a request's plan and outcome into its one decision record. When several rules acted, the record
// names the one whose effect the client felt most (refusal > listing change > throttle > delay) first.
import type { ListingChange } from './listing.js';
import type { PlanEffect, RequestPlan, RuleRequest } from './rules/index.js';
import type { DecisionAction, DecisionRecord } from './types.js';

const WEIGHT: Record<DecisionAction, number> = {
  'upstream-error': 9,
  reset: 8,
  hang: 8,
  error: 8,
  hide: 6,
  'unhide-deleted': 5,
  stale: 5,
  throttle: 3,
  delay: 2,
  pass: 0,
};

export interface DecisionOutcome {
  upstreamError?: string;
  listingChanges: ListingChange[];
  /** Set for a recorded listing: what its answer showed, `null` until a listing answer was sent. */
  listed?: string[] | null;
}

export function finishDecision(
  request: RuleRequest,
  plan: RequestPlan,
  outcome: DecisionOutcome,
  status: number | undefined,
): DecisionRecord {
  const effects: PlanEffect[] = [...plan.effects];
  for (const change of outcome.listingChanges) {
    if (effects.some((e) => e.rule === change.rule)) continue;
    effects.push({ rule: change.rule, action: change.hidden.length > 0 ? 'hide' : 'unhide-deleted' });
  }
  let primary: PlanEffect | undefined;
  for (const effect of effects)
    if (!primary || WEIGHT[effect.action] > WEIGHT[primary.action]) primary = effect;
  const rules = primary
    ? [primary.rule, ...new Set(effects.map((e) => e.rule).filter((r) => r !== primary.rule))]
    : [];

  const record: DecisionRecord = {
    id: request.id,
    ts: request.now,
    method: request.method,
    op: request.op,
    ...(request.bucket !== undefined && { bucket: request.bucket }),
    ...(request.key !== undefined && { key: request.key }),
    ...(request.prefix !== undefined && { prefix: request.prefix }),
    rule: primary?.rule ?? null,
    action: outcome.upstreamError !== undefined ? 'upstream-error' : (primary?.action ?? 'pass'),
  };
  if (rules.length > 0) record.rules = rules;
  const delayMs = plan.requestDelayMs + plan.responseDelayMs;
  if (delayMs > 0) record.delayMs = delayMs;
  if (status !== undefined) record.status = status;
  const hidden = outcome.listingChanges.flatMap((c) => c.hidden);
  const added = outcome.listingChanges.flatMap((c) => c.added);
  if (hidden.length > 0) record.hiddenKeys = hidden;
  if (added.length > 0) record.addedKeys = added;
  if (outcome.listed !== undefined)
    record.listed = outcome.upstreamError === undefined ? outcome.listed : null;
  if (Object.keys(plan.ordinals).length > 0) record.ordinals = { ...plan.ordinals };
  return record;
}

/**
 * The part of a decision log that must be identical for the same seed, rules and request sequence: every
 * field but the wall-clock ones (`ts`, `durationMs`), records ordered by request id.
 */
export function comparableDecisions(
  records: readonly DecisionRecord[],
): Omit<DecisionRecord, 'ts' | 'durationMs'>[] {
  return [...records]
    .sort((a, b) => a.id - b.id)
    .map((record) => {
      const { ts: _ts, durationMs: _durationMs, ...rest } = record;
      return rest;
    });
}
