// delete-lag: a key deleted while the rule is active keeps appearing in listings for `durationMs`, with the
// metadata the proxy last saw for it. GET/HEAD answer from the store (404), as on a store whose listing
// index lags its data. A rewrite of the key ends the ghost; removing the rule drops all ghosts.
import { DELETE_OPERATIONS } from '../classify.js';
import type { z } from 'zod';
import { positive, ruleObject } from './fields.js';
import {
  bucketKey,
  registerRule,
  type Ghost,
  type InheritingRule,
  type ListingFilter,
  type ListingRule,
  type RequestPlan,
  type Rule,
  type RuleContext,
  type RuleRequest,
  type ScopedRule,
} from './rule.js';

export const deleteLagSchema = ruleObject('delete-lag', { durationMs: positive });
export type DeleteLagRule = z.infer<typeof deleteLagSchema>;

declare module '../types.js' {
  interface RuleSpecs {
    'delete-lag': DeleteLagRule;
  }
}

interface GhostMark {
  bucket: string;
  key: string;
  seq: number;
  until: number;
}

export class DeleteLagFault implements ScopedRule, ListingRule, InheritingRule {
  readonly triggers = DELETE_OPERATIONS;
  ghostMarks = new Map<string, GhostMark>();
  readonly listing: ListingFilter = {
    hides: () => false,
    ghosts: (bucket, prefix, now) => this.ghosts(bucket, prefix, now),
  };

  constructor(
    readonly spec: DeleteLagRule,
    private readonly context: RuleContext,
  ) {}

  apply(_request: RuleRequest, plan: RequestPlan): void {
    plan.effects.push({ rule: this.spec.name, action: 'unhide-deleted' });
    plan.successHooks.push((bucket, key, event) => {
      // DeleteObjects names its keys in the body: the key selector applies to each of them here.
      if (!this.context.keyMatches(key)) return;
      // Only a key the proxy believes existed becomes a ghost: deleting a missing key changes no listing.
      const previous = this.context.record.events(bucket, key).at(-2);
      const existed = previous
        ? previous.kind === 'put'
        : this.context.record.meta(bucket, key) !== undefined;
      if (!existed) return;
      this.ghostMarks.set(bucketKey(bucket, key), {
        bucket,
        key,
        seq: event.seq,
        until: event.t + this.spec.durationMs,
      });
    });
  }

  inherit(previous: Rule): void {
    if (previous instanceof DeleteLagFault) this.ghostMarks = previous.ghostMarks;
  }

  private ghosts(bucket: string, prefix: string, now: number): Ghost[] {
    const out: Ghost[] = [];
    for (const [id, mark] of this.ghostMarks) {
      const last = this.context.record.last(mark.bucket, mark.key);
      if (mark.until <= now || last?.seq !== mark.seq) {
        this.ghostMarks.delete(id);
        continue;
      }
      if (mark.bucket !== bucket || !mark.key.startsWith(prefix)) continue;
      const meta = this.context.record.meta(bucket, mark.key) ?? {
        size: 0,
        etag: '""',
        lastModified: new Date(last.t).toISOString(),
      };
      out.push({ key: mark.key, meta });
    }
    return out;
  }
}

registerRule({
  type: 'delete-lag',
  schema: deleteLagSchema,
  create: (spec, context) => new DeleteLagFault(spec, context),
});
