// Prepares a listing answer through the listing rules: takes the upstream's buffered (small) answer, rewrites
// it, counts the listing rules that changed it, and corrects Content-Length. A listing of a prefix the proxy
// records (`recordListings`) is buffered even without rules, so its decision says what it showed.
import { gunzipSync } from 'node:zlib';
import { LIST_OPERATIONS, type ListingParams } from './classify.js';
import { forwardable } from './headers.js';
import {
  rewriteListing,
  type ListingChange,
  type NamedFilter,
  type TokenBounds,
  type UpstreamLister,
} from './listing.js';
import type { RuleSet } from './rule-set.js';
import { isListingRule, type RequestPlan, type RuleRequest } from './rules/index.js';
import type { StoreRecord } from './store-record.js';

export interface ListingDeps {
  rules: RuleSet;
  record: StoreRecord;
  tokens: TokenBounds;
  lister?: UpstreamLister;
  /** Listings whose prefix matches are recorded: their decision carries what the answer showed. */
  recordListings?: RegExp;
}

/** Is this request a listing whose answer the decision must record? */
export function recordsListing(deps: ListingDeps, request: RuleRequest): boolean {
  return (
    deps.recordListings !== undefined &&
    LIST_OPERATIONS.includes(request.op) &&
    deps.recordListings.test(request.prefix ?? '')
  );
}

/** Listing filters for this request, or undefined when no listing rule exists (then nothing is buffered). */
export function listingFilters(
  deps: ListingDeps,
  request: RuleRequest,
  plan: RequestPlan,
): NamedFilter[] | undefined {
  if (!LIST_OPERATIONS.includes(request.op)) return undefined;
  const filters: NamedFilter[] = [];
  for (const entry of deps.rules.list()) {
    if (!isListingRule(entry.rule)) continue;
    const m = entry.spec.match;
    if (m?.bucket !== undefined && m.bucket !== request.bucket) continue;
    filters.push({ rule: entry.spec.name, filter: entry.rule.listing });
  }
  filters.push(...plan.listingFilters);
  return filters.length > 0 ? filters : undefined;
}

/** The upstream's listing answer: its head, and its body without transfer coding. */
export interface UpstreamAnswer {
  headers: Record<string, string | undefined>;
  rawHeaders: string[];
  body: Buffer;
}

/** The listing answer to send: the upstream's headers with a corrected Content-Length, and the body. */
export async function answerListing(
  deps: ListingDeps,
  request: RuleRequest,
  upstreamRes: UpstreamAnswer,
  filters: NamedFilter[],
  outcome: { listingChanges: ListingChange[]; listed?: string[] | null },
): Promise<{ headers: string[]; body: Buffer }> {
  let xml: Buffer = upstreamRes.body;
  const gzipped = /gzip/i.test(String(upstreamRes.headers['content-encoding'] ?? ''));
  if (gzipped) xml = gunzipSync(xml);
  const rewrite = await rewriteListing({
    xml,
    bucket: request.bucket as string,
    params: request.listing as ListingParams,
    filters,
    record: deps.record,
    tokens: deps.tokens,
    now: request.now,
    lister: deps.lister,
  });
  outcome.listingChanges = rewrite.changes;
  if (outcome.listed !== undefined) outcome.listed = rewrite.listed ?? null;
  for (const change of rewrite.changes) {
    const entry = deps.rules.get(change.rule);
    // Listing rules act outside the plan (state built by earlier writes): count them here.
    if (entry && isListingRule(entry.rule)) {
      entry.counters.matched++;
      entry.counters.applied++;
    }
  }
  const body = rewrite.body ?? (gzipped ? xml : upstreamRes.body);
  const headers: string[] = [];
  const raw = forwardable(upstreamRes.rawHeaders);
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (
      name === 'content-length' ||
      name === 'transfer-encoding' ||
      (rewrite.body && name === 'content-encoding')
    )
      continue;
    if (gzipped && name === 'content-encoding') continue;
    headers.push(raw[i] as string, raw[i + 1] as string);
  }
  headers.push('Content-Length', String(body.length));
  return { headers, body };
}
