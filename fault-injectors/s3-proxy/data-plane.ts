// The data port: forwards every S3 request unchanged (method, raw URL, raw headers including Host, bodies
// streamed both ways over a keep-alive agent), so SigV4 signatures made for the proxy's address validate at
// the upstream, and carries out what the rules planned. Only listing answers are buffered, and only while a
// listing rule exists; they are small (at most 1000 entries).
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../common/index.js';
import { classify, READ_OPERATIONS } from './classify.js';
import type { DecisionLog } from './decision-log.js';
import { finishDecision } from './decision.js';
import { forwardable } from './headers.js';
import { answerListing, listingFilters, type ListingDeps } from './listing-answer.js';
import type { ListingChange } from './listing.js';
import { isReadGuard, type RequestPlan, type RuleRequest } from './rules/index.js';
import { s3ErrorXml, S3_ERROR_STATUS, type ProxyErrorCode } from './s3-errors.js';
import { ThrottleStream } from './throttle-stream.js';
import { collect, declaredSize, recordSuccess } from './write-record.js';

export interface DataPlaneStats {
  requestsTotal: number;
  requestsDisrupted: number;
  upstreamErrors: number;
}

export interface DataPlaneDeps extends ListingDeps {
  upstream: URL;
  agent: http.Agent;
  clock: Clock;
  log: DecisionLog;
  stats: DataPlaneStats;
  nextId(): number;
}

export function createDataHandler(deps: DataPlaneDeps) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(deps, req, res).catch((error: unknown) => {
      // Every expected failure is handled inside; this is the last guard so the proxy keeps running.
      if (!res.headersSent)
        sendError(res, 'BadGateway', { resource: req.url ?? '/', requestId: '0' }, String(error));
      else res.destroy();
    });
  };
}

interface Outcome {
  status?: number;
  upstreamError?: string;
  listingChanges: ListingChange[];
}

async function handle(
  deps: DataPlaneDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const { clock, rules, log, stats } = deps;
  const id = deps.nextId();
  const now = clock.now();
  const started = clock.monotonic();
  const rawUrl = req.url ?? '/';
  const classified = classify(req.method ?? 'GET', rawUrl, req.headers['x-amz-copy-source'] !== undefined);
  const request: RuleRequest = { ...classified, id, now };
  const plan = rules.plan(request);
  guardReads(deps, request, plan);
  stats.requestsTotal++;

  const outcome: Outcome = { listingChanges: [] };
  const aborted = new AbortController();
  res.once('close', () => {
    aborted.abort();
    const record = finishDecision(request, plan, outcome, res.headersSent ? res.statusCode : undefined);
    record.durationMs = Math.round((clock.monotonic() - started) * 1000) / 1000;
    if (record.action !== 'pass' && record.action !== 'upstream-error') stats.requestsDisrupted++;
    log.append(record);
  });

  try {
    if (plan.requestDelayMs > 0) await clock.sleep(plan.requestDelayMs, aborted.signal);
    if (plan.refusal) return refuse(req, res, request, plan.refusal.refusal);
    await forward(deps, req, res, request, plan, outcome, aborted.signal);
  } catch (error) {
    if (aborted.signal.aborted) return; // the client went away; nothing left to answer
    throw error;
  }
}

/** `hideReads`: GET/HEAD of a key a visibility rule hides gets the answer of a missing key. */
function guardReads(deps: DataPlaneDeps, request: RuleRequest, plan: RequestPlan): void {
  if (plan.refusal || !READ_OPERATIONS.includes(request.op) || !request.bucket || !request.key) return;
  for (const entry of deps.rules.list()) {
    if (!isReadGuard(entry.rule) || !entry.rule.refusesRead(request.bucket, request.key, request.now))
      continue;
    entry.counters.matched++;
    entry.counters.applied++;
    plan.refusal = { rule: entry.spec.name, refusal: { kind: 'error', code: 'NoSuchKey' } };
    plan.effects.unshift({ rule: entry.spec.name, action: 'hide' });
    return;
  }
}

function refuse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  request: RuleRequest,
  refusal: NonNullable<RequestPlan['refusal']>['refusal'],
): void {
  req.resume(); // drain the body so the client is not stuck writing into a refused request
  if (refusal.kind === 'reset') {
    const socket = req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
    return;
  }
  if (refusal.kind === 'hang') return; // no answer; the socket closes when the client gives up
  const headers: Record<string, string> = {};
  if (refusal.retryAfterSec !== undefined) headers['Retry-After'] = String(refusal.retryAfterSec);
  sendError(res, refusal.code, describe(request), undefined, headers);
}

function describe(request: RuleRequest) {
  const path =
    request.bucket === undefined ? '/' : `/${request.bucket}${request.key ? `/${request.key}` : ''}`;
  return {
    bucket: request.bucket,
    key: request.key,
    resource: path,
    // Arrival number; the decision record's id is given when the request finishes (decision-log.ts).
    requestId: `lhchaos-${request.id}`,
    head: request.method === 'HEAD',
  };
}

function sendError(
  res: http.ServerResponse,
  code: ProxyErrorCode,
  where: { bucket?: string; key?: string; resource: string; requestId: string; head?: boolean },
  message?: string,
  extra: Record<string, string> = {},
): void {
  const body = where.head ? '' : s3ErrorXml({ code, message, ...where });
  res.writeHead(S3_ERROR_STATUS[code], {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': where.requestId,
    ...extra,
  });
  res.end(body);
}

async function forward(
  deps: DataPlaneDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  request: RuleRequest,
  plan: RequestPlan,
  outcome: Outcome,
  signal: AbortSignal,
): Promise<void> {
  const { upstream, clock } = deps;
  const open = () => {
    const upstreamReq = http.request({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardable(req.rawHeaders),
      setHost: false,
      agent: deps.agent,
      signal,
    });
    const responded = new Promise<http.IncomingMessage>((resolve, reject) => {
      upstreamReq.once('response', resolve);
      upstreamReq.once('error', reject);
    });
    return { upstreamReq, responded };
  };
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  let deleteBody: Promise<Buffer> | undefined;
  let upstreamRes: http.IncomingMessage | undefined;
  for (let attempt = 0; upstreamRes === undefined; attempt++) {
    const { upstreamReq, responded } = open();
    if (hasBody) {
      let body: Readable = req;
      if (plan.bytesPerSecond !== undefined)
        body = body.pipe(new ThrottleStream(plan.bytesPerSecond, clock, signal));
      deleteBody = request.op === 'DeleteObjects' ? collect(body) : undefined;
      // Errors on the request side surface through `responded` (the upstream request fails).
      pipeline(body, upstreamReq).catch(() => undefined);
    } else {
      req.resume();
      upstreamReq.end();
    }
    try {
      upstreamRes = await responded;
    } catch (error) {
      if (signal.aborted) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      // An idle keep-alive socket the upstream closed just as it was reused: a body-less request can be sent
      // again on a fresh one; that is the agent's race, not the upstream's failure.
      if (!hasBody && attempt === 0 && upstreamReq.reusedSocket && code === 'ECONNRESET') continue;
      deps.stats.upstreamErrors++;
      outcome.upstreamError = code;
      sendError(res, 'BadGateway', describe(request), `upstream ${upstream.host} failed: ${code}`);
      return;
    }
  }
  const status = upstreamRes.statusCode ?? 502;
  if (status >= 200 && status < 300) {
    const size = declaredSize(req);
    recordSuccess(deps, request, plan, upstreamRes, size, deleteBody ? await deleteBody : undefined);
  }
  if (plan.responseDelayMs > 0) await clock.sleep(plan.responseDelayMs, signal);

  let headers = forwardable(upstreamRes.rawHeaders);
  let out: Readable = upstreamRes;
  const filters = listingFilters(deps, request, plan);
  if (status === 200 && request.listing && filters !== undefined) {
    const answer = await answerListing(deps, request, upstreamRes, filters, outcome);
    headers = answer.headers;
    out = Readable.from([answer.body]);
  }
  res.sendDate = false;
  res.writeHead(status, upstreamRes.statusMessage, headers);
  if (plan.bytesPerSecond !== undefined)
    out = out.pipe(new ThrottleStream(plan.bytesPerSecond, clock, signal));
  await pipeline(out, res).catch((error: unknown) => {
    // The upstream broke off mid-body (or the client left): the client sees a cut answer, never a wrong one.
    if (!signal.aborted) outcome.upstreamError = (error as NodeJS.ErrnoException).code ?? String(error);
    res.destroy();
  });
}
