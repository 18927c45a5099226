// visibility-lag (partial sync): a key written while the rule is active is left out of listings for
// `durationMs` after the write completed; GET/HEAD stay consistent unless `hideReads` (then 404 NoSuchKey).
// A mark belongs to one write (its sequence number): a later overwrite or delete of the key ends it, and
// removing the rule drops every mark, so nothing stays hidden after a reset or an expired lease.
import { WRITE_OPERATIONS } from '../classify.js';
import { z } from 'zod';
import { positive, ruleObject } from './fields.js';
import {
  bucketKey,
  registerRule,
  type InheritingRule,
  type ListingFilter,
  type ListingRule,
  type ReadGuardRule,
  type RequestPlan,
  type Rule,
  type RuleContext,
  type RuleRequest,
  type ScopedRule,
} from './rule.js';

export const visibilityLagSchema = ruleObject('visibility-lag', {
  durationMs: positive,
  /** Also answer GET and HEAD of a hidden key with 404 NoSuchKey. */
  hideReads: z.boolean().optional(),
});
export type VisibilityLagRule = z.infer<typeof visibilityLagSchema>;

declare module '../types.js' {
  interface RuleSpecs {
    'visibility-lag': VisibilityLagRule;
  }
}

interface Mark {
  seq: number;
  until: number;
}

export class VisibilityLagFault implements ScopedRule, ListingRule, ReadGuardRule, InheritingRule {
  readonly triggers = WRITE_OPERATIONS;
  marks = new Map<string, Mark>();
  readonly listing: ListingFilter = { hides: (bucket, key, now) => this.hidden(bucket, key, now) };

  constructor(
    readonly spec: VisibilityLagRule,
    private readonly context: RuleContext,
  ) {}

  apply(_request: RuleRequest, plan: RequestPlan): void {
    plan.effects.push({ rule: this.spec.name, action: 'hide' });
    plan.successHooks.push((bucket, key, event) => {
      this.marks.set(bucketKey(bucket, key), { seq: event.seq, until: event.t + this.spec.durationMs });
      // Marks of keys never listed again are only dropped here; keep a long run's memory bounded.
      if (this.marks.size % 1024 === 0) this.prune(event.t);
    });
  }

  refusesRead(bucket: string, key: string, now: number): boolean {
    return this.spec.hideReads === true && this.hidden(bucket, key, now);
  }

  inherit(previous: Rule): void {
    if (previous instanceof VisibilityLagFault) this.marks = previous.marks;
  }

  private prune(now: number): void {
    for (const [id, mark] of this.marks) if (mark.until <= now) this.marks.delete(id);
  }

  private hidden(bucket: string, key: string, now: number): boolean {
    const id = bucketKey(bucket, key);
    const mark = this.marks.get(id);
    if (!mark) return false;
    const last = this.context.record.last(bucket, key);
    if (mark.until <= now || last?.seq !== mark.seq) {
      this.marks.delete(id);
      return false;
    }
    return true;
  }
}

registerRule({
  type: 'visibility-lag',
  schema: visibilityLagSchema,
  create: (spec, context) => new VisibilityLagFault(spec, context),
});
