// Rewrites ListObjects (v1) and ListObjectsV2 answers: hides keys, adds ghost keys, and keeps the page
// coherent. Reasoning, in the order it is applied:
// - Contents: hidden keys are dropped; a shorter page is legal S3.
// - CommonPrefixes: a prefix disappears when every key under it is hidden: every key the record knows
//   (writes the proxy forwarded, keys it saw listed), or, with upstream credentials, every key the upstream
//   lists under it (see README for the limits of each).
// - Ghosts (deleted-but-listed keys) are added only inside this page's key range, so no page lists a key
//   twice: after the lower bound (start-after, or the last entry of the page that produced the v2
//   continuation token or the v1 NextMarker, else the v1 marker itself) and, when the page is truncated,
//   not after its last original entry. With a delimiter a ghost rolls up into its CommonPrefix. A page may
//   then exceed MaxKeys by the ghosts. A v1 NextMarker is the upstream's own cursor, not a key (MinIO's
//   is `<last key>[minio_cache:…]`): used as the bound, a ghost sorting between the last key and it would
//   fall between the pages.
// - v2 KeyCount = Contents + CommonPrefixes after the rewrite; NextContinuationToken is the upstream's.
// - v1 truncated page whose end changed: NextMarker = the original NextMarker, or the original last entry,
//   because clients without NextMarker continue from the last key they were shown.
// The request is never changed (its signature covers the query), so tokens stay the upstream's own.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { ListingParams } from './classify.js';
import type { Ghost, ListingFilter } from './rules/index.js';
import type { StoreRecord } from './store-record.js';

export interface NamedFilter {
  rule: string;
  filter: ListingFilter;
}

export interface ListingChange {
  rule: string;
  hidden: string[];
  added: string[];
}

export interface ListingRewrite {
  body?: Buffer;
  changes: ListingChange[];
  /** The names the answer shows, relative to the prefix (absent when the body is no ListBucketResult). */
  listed?: string[];
}

interface Entry {
  Key: string;
  LastModified?: string;
  ETag?: string;
  Size?: string;
  StorageClass?: string;
  [other: string]: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (_name, jpath) =>
    jpath === 'ListBucketResult.Contents' || jpath === 'ListBucketResult.CommonPrefixes',
});
const builder = new XMLBuilder({ ignoreAttributes: false, processEntities: true, suppressEmptyNode: false });

/**
 * Continuation token (v2) or NextMarker (v1) -> the last entry of the page that returned it (bounded).
 * Markers are kept under `v1:` (v2 tokens are opaque base64, which holds no `:`).
 */
export class TokenBounds {
  private readonly map = new Map<string, string>();
  remember(token: string, lastEntry: string): void {
    this.map.set(token, lastEntry);
    if (this.map.size > 10_000) this.map.delete(this.map.keys().next().value as string);
  }
  lookup(token: string): string | undefined {
    return this.map.get(token);
  }
}

/** Asks the upstream which keys exist under a prefix, for exact CommonPrefix answers (needs credentials). */
export interface UpstreamLister {
  keysUnder(bucket: string, prefix: string): AsyncIterable<string>;
}

export interface RewriteInput {
  xml: Buffer;
  bucket: string;
  params: ListingParams;
  filters: NamedFilter[];
  record: StoreRecord;
  tokens: TokenBounds;
  now: number;
  lister?: UpstreamLister;
}

export async function rewriteListing(input: RewriteInput): Promise<ListingRewrite> {
  const { bucket, params, filters, record, tokens, now } = input;
  const doc = parser.parse(input.xml.toString('utf8')) as { ListBucketResult?: Record<string, unknown> };
  const result = doc.ListBucketResult;
  if (!result) return { changes: [] };
  const urlEncoded = params.encodingType === 'url';
  const decode = (s: string) => (urlEncoded ? safeDecode(s) : s);
  const encode = (s: string) => (urlEncoded ? encodeURIComponent(s).replace(/%2F/g, '/') : s);

  const contents = (result.Contents as Entry[] | undefined) ?? [];
  const prefixes = (result.CommonPrefixes as { Prefix: string }[] | undefined) ?? [];
  const truncated = String(result.IsTruncated) === 'true';
  for (const c of contents) record.recordListed(bucket, decode(c.Key), metaOf(c));

  const lastOriginal = maxOf([
    ...contents.map((c) => decode(c.Key)),
    ...prefixes.map((p) => decode(p.Prefix)),
  ]);
  if (
    params.version === 2 &&
    typeof result.NextContinuationToken === 'string' &&
    lastOriginal !== undefined
  ) {
    tokens.remember(result.NextContinuationToken, lastOriginal);
  }
  if (params.version === 1 && typeof result.NextMarker === 'string' && lastOriginal !== undefined) {
    tokens.remember(`v1:${decode(result.NextMarker)}`, lastOriginal);
  }

  const changes = new Map<string, ListingChange>();
  const change = (rule: string) => {
    let c = changes.get(rule);
    if (!c) changes.set(rule, (c = { rule, hidden: [], added: [] }));
    return c;
  };
  const hiddenBy = (key: string): string | undefined =>
    filters.find((f) => f.filter.hides(bucket, key, now))?.rule;

  // Contents.
  const keptContents: Entry[] = [];
  for (const c of contents) {
    const rule = hiddenBy(decode(c.Key));
    if (rule === undefined) keptContents.push(c);
    else change(rule).hidden.push(decode(c.Key));
  }

  // CommonPrefixes: hidden when every key under it is hidden. Without a lister, "every key" means every key
  // the record knows to exist; with one, the upstream is asked, but only when the record knows a hidden key
  // under the prefix (otherwise nothing there can be hidden), and the record answers if the upstream fails.
  const recordAnswer = (prefix: string): string | undefined => {
    let rule: string | undefined;
    let known = 0;
    for (const key of record.keysUnder(bucket, prefix)) {
      if (!record.exists(bucket, key)) continue;
      known++;
      rule = hiddenBy(key);
      if (rule === undefined) return undefined;
    }
    return known > 0 ? rule : undefined;
  };
  // One pass over the record's keys under the listing prefix finds the hidden ones; a CommonPrefix without
  // any of them is visible at once, so a page of many prefixes does not scan the record once per prefix.
  const hiddenKnown: string[] = [];
  if (prefixes.length > 0) {
    for (const key of record.keysUnder(bucket, params.prefix)) {
      if (record.exists(bucket, key) && hiddenBy(key) !== undefined) hiddenKnown.push(key);
    }
  }
  const anyHiddenKnown = (prefix: string): boolean => hiddenKnown.some((key) => key.startsWith(prefix));
  const upstreamAnswer = async (lister: UpstreamLister, prefix: string): Promise<string | undefined> => {
    let rule: string | undefined;
    for await (const key of lister.keysUnder(bucket, prefix)) {
      rule = hiddenBy(key);
      if (rule === undefined) return undefined;
    }
    return rule;
  };
  const keptPrefixes: { Prefix: string }[] = [];
  for (const p of prefixes) {
    const prefix = decode(p.Prefix);
    let rule: string | undefined;
    if (!anyHiddenKnown(prefix)) rule = undefined;
    else if (!input.lister) rule = recordAnswer(prefix);
    else rule = await upstreamAnswer(input.lister, prefix).catch(() => recordAnswer(prefix));
    if (rule !== undefined) change(rule).hidden.push(prefix);
    else keptPrefixes.push(p);
  }

  // Ghosts, inside this page's range.
  const lower =
    params.continuationToken !== undefined
      ? tokens.lookup(params.continuationToken)
      : params.version === 1 && params.marker !== ''
        ? (tokens.lookup(`v1:${params.marker}`) ?? params.marker)
        : params.marker;
  const rangeKnown = params.continuationToken === undefined || lower !== undefined;
  const present = new Set(keptContents.map((c) => decode(c.Key)));
  const presentPrefixes = new Set(keptPrefixes.map((p) => decode(p.Prefix)));
  if (rangeKnown) {
    for (const { rule, filter } of filters) {
      for (const ghost of filter.ghosts?.(bucket, params.prefix, now) ?? []) {
        if (
          present.has(ghost.key) ||
          !inRange(ghost.key, lower ?? '', truncated ? lastOriginal : undefined, params.delimiter)
        )
          continue;
        const rolled = rollUp(ghost.key, params.prefix, params.delimiter);
        if (rolled !== undefined) {
          if (presentPrefixes.has(rolled)) continue;
          presentPrefixes.add(rolled);
          keptPrefixes.push({ Prefix: encode(rolled) });
          change(rule).added.push(rolled);
        } else {
          present.add(ghost.key);
          keptContents.push(ghostEntry(ghost, encode));
          change(rule).added.push(ghost.key);
        }
      }
    }
  }

  const list = [...changes.values()];
  keptContents.sort((a, b) => compare(decode(a.Key), decode(b.Key)));
  keptPrefixes.sort((a, b) => compare(decode(a.Prefix), decode(b.Prefix)));
  const listed = namesShown(
    [...keptContents.map((c) => decode(c.Key)), ...keptPrefixes.map((p) => decode(p.Prefix))],
    params,
  );
  if (list.length === 0) return { changes: [], listed };

  setList(result, 'Contents', keptContents);
  setList(result, 'CommonPrefixes', keptPrefixes);
  if (params.version === 2) result.KeyCount = String(keptContents.length + keptPrefixes.length);
  if (params.version === 1 && truncated && lastOriginal !== undefined) {
    result.NextMarker =
      typeof result.NextMarker === 'string' && result.NextMarker !== ''
        ? result.NextMarker
        : encode(lastOriginal);
  }
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ ListBucketResult: result }) as string}`,
  );
  return { body, changes: list, listed };
}

/** Entries relative to the listing prefix, a trailing delimiter dropped: what a driver's List() returns. */
function namesShown(entries: string[], params: ListingParams): string[] {
  return entries.map((entry) => {
    const name = entry.startsWith(params.prefix) ? entry.slice(params.prefix.length) : entry;
    return params.delimiter !== '' && name.endsWith(params.delimiter)
      ? name.slice(0, -params.delimiter.length)
      : name;
  });
}

function setList(
  result: Record<string, unknown>,
  name: 'Contents' | 'CommonPrefixes',
  items: unknown[],
): void {
  if (items.length > 0) result[name] = items;
  else if (name === 'Contents') delete result.Contents;
  else delete result.CommonPrefixes;
}

function metaOf(c: Entry) {
  return {
    size: Number(c.Size ?? 0),
    etag: String(c.ETag ?? ''),
    lastModified: String(c.LastModified ?? ''),
  };
}

function ghostEntry(ghost: Ghost, encode: (s: string) => string): Entry {
  return {
    Key: encode(ghost.key),
    LastModified: ghost.meta.lastModified,
    ETag: ghost.meta.etag,
    Size: String(ghost.meta.size),
    StorageClass: 'STANDARD',
  };
}

/** The CommonPrefix a key rolls up into under this listing's prefix and delimiter, if any. */
export function rollUp(key: string, prefix: string, delimiter: string): string | undefined {
  if (delimiter === '') return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

/** S3 orders keys by UTF-8 bytes; for the BMP that is the order of code points. */
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function maxOf(values: string[]): string | undefined {
  let best: string | undefined;
  for (const v of values) if (best === undefined || compare(v, best) > 0) best = v;
  return best;
}

/** After `lower` (and not under it when it is a CommonPrefix), and not after `upper` (unless under it). */
function inRange(key: string, lower: string, upper: string | undefined, delimiter: string): boolean {
  const isPrefix = (entry: string) => delimiter !== '' && entry.endsWith(delimiter);
  if (lower !== '' && (compare(key, lower) <= 0 || (isPrefix(lower) && key.startsWith(lower)))) return false;
  if (upper !== undefined && compare(key, upper) > 0 && !(isPrefix(upper) && key.startsWith(upper)))
    return false;
  return true;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
