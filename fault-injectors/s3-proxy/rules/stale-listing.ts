// stale-listing: a listing answered as of `ageMs` ago, from the proxy's record of writes and deletes:
// the upstream listing minus keys that did not exist at the cutoff, plus keys deleted since the cutoff.
// Keys with no recorded event in the window are shown as the upstream lists them (the proxy knows nothing
// newer); keys written before the proxy started count as existing.
import { LIST_OPERATIONS } from '../classify.js';
import type { StoreEvent } from '../store-record.js';
import type { z } from 'zod';
import { positive, ruleObject } from './fields.js';
import {
  registerRule,
  type Ghost,
  type ListingFilter,
  type RequestPlan,
  type RuleContext,
  type RuleRequest,
  type ScopedRule,
} from './rule.js';

export const staleListingSchema = ruleObject('stale-listing', { ageMs: positive });
export type StaleListingRule = z.infer<typeof staleListingSchema>;

declare module '../types.js' {
  interface RuleSpecs {
    'stale-listing': StaleListingRule;
  }
}

/** Whether the key existed at `cutoff` by the record; undefined when no event falls after the cutoff. */
export function existedAt(events: readonly StoreEvent[], cutoff: number): boolean | undefined {
  let before: StoreEvent | undefined;
  let firstAfter: StoreEvent | undefined;
  for (const event of events) {
    if (event.t <= cutoff) before = event;
    else {
      firstAfter = event;
      break;
    }
  }
  if (!firstAfter) return undefined;
  if (before) return before.kind === 'put';
  // Nothing recorded before the cutoff: a delete in the window means the key was there before it.
  return firstAfter.kind === 'delete';
}

export class StaleListingFault implements ScopedRule {
  readonly triggers = LIST_OPERATIONS;

  constructor(
    readonly spec: StaleListingRule,
    private readonly context: RuleContext,
  ) {}

  apply(request: RuleRequest, plan: RequestPlan): void {
    const cutoff = request.now - this.spec.ageMs;
    const record = this.context.record;
    const filter: ListingFilter = {
      hides: (bucket, key) => existedAt(record.events(bucket, key), cutoff) === false,
      ghosts: (bucket, prefix) => {
        const out: Ghost[] = [];
        for (const key of record.keysUnder(bucket, prefix)) {
          if (record.exists(bucket, key)) continue;
          if (existedAt(record.events(bucket, key), cutoff) !== true) continue;
          const meta = record.meta(bucket, key) ?? {
            size: 0,
            etag: '""',
            lastModified: new Date(cutoff).toISOString(),
          };
          out.push({ key, meta });
        }
        return out;
      },
    };
    plan.listingFilters.push({ rule: this.spec.name, filter });
    plan.effects.push({ rule: this.spec.name, action: 'stale' });
  }
}

registerRule({
  type: 'stale-listing',
  schema: staleListingSchema,
  create: (spec, context) => new StaleListingFault(spec, context),
});
