// Records the writes and deletes that succeeded upstream in the store record, then runs the success hooks
// the rules planned (visibility-lag and delete-lag mark their keys there).
import type { Clock } from '../../common/index.js';
import { DELETE_OPERATIONS, WRITE_OPERATIONS } from './classify.js';
import { parseDeleteKeys } from './delete-body.js';
import type { RequestPlan, RuleRequest } from './rules/index.js';
import type { StoreEvent, StoreRecord } from './store-record.js';

/** A write or delete succeeded upstream: record it, then let the rules that planned on it mark their state. */
export function recordSuccess(
  deps: { record: StoreRecord; clock: Clock },
  request: RuleRequest,
  plan: RequestPlan,
  upstreamRes: { headers: Record<string, string | undefined> },
  bodySize: number | undefined,
  deleteBody: Buffer | undefined,
): void {
  const { record, clock } = deps;
  const bucket = request.bucket;
  if (bucket === undefined) return;
  const t = clock.now();
  const events: [string, StoreEvent][] = [];
  if (WRITE_OPERATIONS.includes(request.op) && request.key !== undefined) {
    const size = request.op === 'PutObject' ? bodySize : undefined;
    const etag = upstreamRes.headers.etag;
    const meta =
      size !== undefined && etag !== undefined
        ? { size, etag, lastModified: new Date(t).toISOString() }
        : undefined;
    events.push([request.key, record.recordPut(bucket, request.key, t, meta)]);
  } else if (DELETE_OPERATIONS.includes(request.op)) {
    const keys = request.op === 'DeleteObject' ? [request.key as string] : parseDeleteKeys(deleteBody);
    for (const key of keys) events.push([key, record.recordDelete(bucket, key, t)]);
  }
  for (const [key, event] of events) for (const hook of plan.successHooks) hook(bucket, key, event);
}

/** The object size a PUT declares (`aws-chunked` bodies carry it in x-amz-decoded-content-length). */
export function declaredSize(req: { headers: Record<string, string | undefined> }): number | undefined {
  const declared = req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length'];
  const n = Number(declared);
  return declared !== undefined && Number.isFinite(n) ? n : undefined;
}
