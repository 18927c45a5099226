// The fault proxy's public vocabulary: S3 operations, fault rules as JSON, per-request decision records,
// counters and leases. This is the contract between the proxy, its control API, its typed client and the
// suites; the control API validates incoming rules against these shapes and names the bad field.

/** S3 operations the proxy tells apart (docs/longhorn.md#s3-calls: Longhorn <= 1.10 lists with v1). */
export const S3_OPERATIONS = [
  'ListBuckets',
  'CreateBucket',
  'DeleteBucket',
  'HeadBucket',
  'GetBucketLocation',
  'ListObjects',
  'ListObjectsV2',
  'HeadObject',
  'GetObject',
  'PutObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
  'Other',
] as const;
export type S3Operation = (typeof S3_OPERATIONS)[number];

/** Which requests a rule applies to. Every given field must match; an absent field matches anything. */
export interface RuleMatch {
  operations?: S3Operation[];
  bucket?: string;
  /** Glob on the object key (or the listing prefix for list operations): `*` within a segment, `**` across. */
  key?: string;
  /** Regular expression on the object key (or listing prefix). */
  keyRegex?: string;
}

/** When and how often a rule acts. Times are relative to the moment the rule was added. */
export interface RuleLimits {
  /** Probability in [0, 1] that a matching request is acted on; default 1. Drawn from the rule's own stream. */
  probability?: number;
  startAfterMs?: number;
  stopAfterMs?: number;
  /** Act only from the (afterN+1)-th matching request on. */
  afterN?: number;
  /** Act on at most this many requests, then only count matches. */
  maxCount?: number;
}

export const S3_ERROR_CODES = [
  'SlowDown',
  'InternalError',
  'NoSuchKey',
  'AccessDenied',
  'ServiceUnavailable',
] as const;
export type S3ErrorCode = (typeof S3_ERROR_CODES)[number];

/**
 * Every rule type's JSON shape, by its `type`. The file of each rule type (`rules/<type>.ts`) adds its own
 * entry through declaration merging (`declare module '../types.js'`), so `RuleSpec` grows with the
 * registry and no list here names the types. The fields of each type are documented in its file and in
 * the README's rule table.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the rule files
export interface RuleSpecs {}
export type RuleType = keyof RuleSpecs;
/** A rule as JSON: `type`, `name`, the common selectors and limits, and the type's own fields. */
export type RuleSpec = RuleSpecs[RuleType];

/** What the proxy did with one request. */
export type DecisionAction =
  | 'pass'
  | 'delay'
  | 'hide'
  | 'unhide-deleted'
  | 'stale'
  | 'error'
  | 'reset'
  | 'hang'
  | 'throttle'
  | 'upstream-error';

/** One line of the decision log (faults.jsonl): every request gets exactly one. */
export interface DecisionRecord {
  /**
   * Request id: the record's position in the proxy's decision log, 1, 2, 3, … without gaps, given when the
   * request finishes (so a cursor `after=id` never misses a slow request). Arrival order is `ts`.
   */
  id: number;
  /** Epoch milliseconds when the request arrived. */
  ts: number;
  method: string;
  op: S3Operation;
  bucket?: string;
  key?: string;
  prefix?: string;
  /** The rule that acted, or null when the request passed untouched. */
  rule: string | null;
  /** Every rule that acted on this request (listing rules may combine), first is `rule`. */
  rules?: string[];
  action: DecisionAction;
  delayMs?: number;
  status?: number;
  /** Keys hidden from (or added to) a listing answer, for list operations. */
  hiddenKeys?: string[];
  addedKeys?: string[];
  /**
   * For a listing whose prefix the proxy records (`recordListings`): the names its answer showed the client,
   * after every rule (Contents keys and CommonPrefixes relative to the prefix, a trailing delimiter dropped),
   * or `null` when the answer was no listing (an error, a refusal, a cut answer).
   */
  listed?: string[] | null;
  /**
   * Per rule whose selectors picked the request (whether it acted or not), the request's ordinal among the
   * requests of the same operation, bucket and key (or listing prefix) that rule picked. (rule, operation,
   * bucket, key, ordinal) is the request's identity: the rule's random draws for it derive from that and
   * the seed alone, so two runs of a seed are compared by it.
   */
  ordinals?: Record<string, number>;
  /** Milliseconds from arrival to the end of the response. */
  durationMs?: number;
}

export interface RuleCounters {
  name: string;
  type: RuleType;
  /** Requests that matched the rule's operation/bucket/key selectors. */
  matched: number;
  /** Requests the rule actually acted on (after probability and limits). */
  applied: number;
  addedAt: number;
  removedAt?: number;
}

export interface ProxyMetrics {
  requestsTotal: number;
  requestsDisrupted: number;
  upstreamErrors: number;
  rules: RuleCounters[];
  /** Counters of rules removed since the last reset, so a harness can read them after removal. */
  removedRules: RuleCounters[];
  lease: LeaseState | null;
  /** The seed every rule's stream derives from (the start's, or the last `reset({seed})`); absent in older proxies. */
  seed?: number;
}

export interface LeaseState {
  holder: string;
  ttlMs: number;
  expiresAt: number;
}

/** The typed client's surface (implemented in client.ts). */
export interface ProxyControl {
  listRules(): Promise<RuleSpec[]>;
  addRule(rule: RuleSpec): Promise<RuleSpec>;
  updateRule(name: string, rule: RuleSpec): Promise<RuleSpec>;
  deleteRule(name: string): Promise<RuleCounters>;
  /** Drops every rule and random stream; with `seed`, the new streams derive from it (a run's own seed). */
  reset(options?: { seed?: number }): Promise<void>;
  metrics(): Promise<ProxyMetrics>;
  /** Decisions with id > afterId (for polling the stream). */
  decisions(afterId?: number): Promise<DecisionRecord[]>;
  acquireLease(holder: string, ttlMs: number): Promise<LeaseState>;
  renewLease(holder: string): Promise<LeaseState>;
  releaseLease(holder: string): Promise<void>;
}
