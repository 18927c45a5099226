// The data port: a relay, like a TCP proxy, that reads each message head to know the S3 request and carries
// out what the rules planned. Each client connection gets one upstream connection of its own; requests are
// served one after another. Heads and bodies go upstream byte for byte (Host included, so SigV4 signatures
// made for the proxy's address validate at the upstream); a body no rule touches is forwarded chunk by chunk
// without being parsed or copied. Only listing answers are buffered: while a listing rule exists, or when the
// listing's prefix is one the proxy records (`recordListings`).
import { STATUS_CODES } from 'node:http';
import type net from 'node:net';
import type { Clock } from '../../common/index.js';
import { classify, READ_OPERATIONS } from './classify.js';
import type { DecisionLog } from './decision-log.js';
import { finishDecision, type DecisionOutcome } from './decision.js';
import {
  closesConnection,
  HttpError,
  parseRequestHead,
  parseResponseHead,
  requestFraming,
  responseFraming,
  responseHeadBytes,
  type BodyFraming,
  type RequestHead,
  type ResponseHead,
} from './http1.js';
import { answerListing, listingFilters, recordsListing, type ListingDeps } from './listing-answer.js';
import { Pacer } from './pacer.js';
import { SocketReader, transfer, write } from './relay-io.js';
import { isReadGuard, type RequestPlan, type RuleRequest } from './rules/index.js';
import { s3ErrorXml, S3_ERROR_STATUS, type ProxyErrorCode } from './s3-errors.js';
import { UpstreamLink, type UpstreamConnection } from './upstream-link.js';
import { declaredSize, recordSuccess } from './write-record.js';

export interface DataPlaneStats {
  requestsTotal: number;
  requestsDisrupted: number;
  upstreamErrors: number;
}

export interface DataPlaneDeps extends ListingDeps {
  upstream: URL;
  clock: Clock;
  log: DecisionLog;
  stats: DataPlaneStats;
  nextId(): number;
}

/** An idle client connection (no request in progress) is closed after this long, as node's keep-alive does. */
const IDLE_TIMEOUT_MS = 30_000;

/** Serves one client connection until either side closes it. */
export function createConnectionHandler(deps: DataPlaneDeps): (client: net.Socket) => void {
  return (client) => {
    serveConnection(deps, client).catch(() => client.destroy());
  };
}

async function serveConnection(deps: DataPlaneDeps, client: net.Socket): Promise<void> {
  client.setNoDelay(true);
  client.on('timeout', () => client.destroy());
  const reader = new SocketReader(client);
  const upstream = new UpstreamLink(deps.upstream);
  client.once('close', () => upstream.drop());
  for (let keep = true; keep;) {
    client.setTimeout(IDLE_TIMEOUT_MS);
    let head: Buffer | null;
    try {
      head = await reader.head();
    } catch (error) {
      if (error instanceof HttpError) answerMalformed(client, error);
      else client.destroy();
      return;
    }
    if (head === null) break;
    client.setTimeout(0);
    keep = await exchange(deps, client, reader, upstream, head);
  }
  client.end();
}

/** A request the proxy cannot read (node's HTTP server would answer it the same way, without a decision). */
function answerMalformed(client: net.Socket, error: HttpError): void {
  const status = error.status === 502 ? 400 : error.status;
  client.end(responseHeadBytes(status, reasonOf(status), ['Connection', 'close', 'Content-Length', '0']));
}

/** What happened to one request, filled in as it goes; `keep`: the client connection may serve another. */
interface Exchange {
  outcome: DecisionOutcome;
  status?: number;
  keep: boolean;
}

/** One request and its answer; returns whether the connection may serve another. */
async function exchange(
  deps: DataPlaneDeps,
  client: net.Socket,
  reader: SocketReader,
  upstream: UpstreamLink,
  headBytes: Buffer,
): Promise<boolean> {
  let req: RequestHead;
  let framing: BodyFraming;
  try {
    req = parseRequestHead(headBytes);
    framing = requestFraming(req);
  } catch (error) {
    answerMalformed(client, error as HttpError);
    return false;
  }
  const { clock, rules, log, stats } = deps;
  const id = deps.nextId();
  const now = clock.now();
  const started = clock.monotonic();
  const request: RuleRequest = {
    ...classify(req.method, req.url, req.headers['x-amz-copy-source'] !== undefined),
    id,
    now,
  };
  const plan = rules.plan(request);
  guardReads(deps, request, plan);
  stats.requestsTotal++;

  const ex: Exchange = {
    // A recorded listing says `listed: null` unless a listing answer is sent.
    outcome: { listingChanges: [], ...(recordsListing(deps, request) ? { listed: null } : {}) },
    keep: !closesConnection(req, req.version),
  };
  const aborted = new AbortController();
  const onClose = () => aborted.abort();
  client.once('close', onClose);
  try {
    if (plan.requestDelayMs > 0) await clock.sleep(plan.requestDelayMs, aborted.signal);
    if (plan.refusal) await refuse(client, reader, req, framing, request, plan.refusal.refusal, ex);
    else await forward(deps, client, reader, upstream, req, framing, request, plan, ex, aborted.signal);
  } catch (error) {
    // The client left, or a socket failed mid-message: this connection cannot carry another request.
    ex.keep = false;
    if (!aborted.signal.aborted && ex.status === undefined) {
      sendError(client, ex, 'BadGateway', describe(request), String(error));
      client.end();
    } else if (!aborted.signal.aborted) client.destroy();
  } finally {
    client.off('close', onClose);
    // Logged as the answer's last bytes are queued: a client cannot see the answer before its decision.
    const record = finishDecision(request, plan, ex.outcome, ex.status);
    record.durationMs = Math.round((clock.monotonic() - started) * 1000) / 1000;
    if (record.action !== 'pass' && record.action !== 'upstream-error') stats.requestsDisrupted++;
    log.append(record);
  }
  if (!ex.keep) upstream.drop();
  return ex.keep;
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

async function refuse(
  client: net.Socket,
  reader: SocketReader,
  req: RequestHead,
  framing: BodyFraming,
  request: RuleRequest,
  refusal: NonNullable<RequestPlan['refusal']>['refusal'],
  ex: Exchange,
): Promise<void> {
  if (refusal.kind === 'reset') {
    ex.keep = false;
    client.resetAndDestroy();
    return;
  }
  if (refusal.kind === 'hang') {
    // No answer; whatever the client sends is dropped until it gives up and closes.
    ex.keep = false;
    await transfer(reader, { kind: 'close' }, {});
    return;
  }
  // The body is read and dropped so the connection stays usable; a client waiting for `100 Continue`
  // gets it first, as node's HTTP server would send it.
  if (framing.kind !== 'none' && /100-continue/i.test(req.headers.expect ?? ''))
    client.write('HTTP/1.1 100 Continue\r\n\r\n');
  await transfer(reader, framing, {});
  const extra = refusal.retryAfterSec === undefined ? [] : ['Retry-After', String(refusal.retryAfterSec)];
  sendError(client, ex, refusal.code, describe(request), undefined, extra);
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
  client: net.Socket,
  ex: Exchange,
  code: ProxyErrorCode,
  where: { bucket?: string; key?: string; resource: string; requestId: string; head?: boolean },
  message?: string,
  extra: string[] = [],
): void {
  const body = where.head ? '' : s3ErrorXml({ code, message, ...where });
  const status = S3_ERROR_STATUS[code];
  const headers = ['Content-Type', 'application/xml', 'Content-Length', String(Buffer.byteLength(body))];
  headers.push('x-amz-request-id', where.requestId, ...extra);
  if (!ex.keep) headers.push('Connection', 'close');
  client.write(Buffer.concat([responseHeadBytes(status, reasonOf(status), headers), Buffer.from(body)]));
  ex.status = status;
}

async function forward(
  deps: DataPlaneDeps,
  client: net.Socket,
  reader: SocketReader,
  upstream: UpstreamLink,
  req: RequestHead,
  framing: BodyFraming,
  request: RuleRequest,
  plan: RequestPlan,
  ex: Exchange,
  signal: AbortSignal,
): Promise<void> {
  const { clock } = deps;
  const pace = () => (plan.bytesPerSecond ? new Pacer(plan.bytesPerSecond, clock, signal) : undefined);
  const deleteBody: Buffer[] | undefined = request.op === 'DeleteObjects' ? [] : undefined;
  let conn!: UpstreamConnection;
  let res!: ResponseHead;
  let body: { settled: boolean; done: Promise<boolean> } | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      conn = await upstream.connect(signal);
    } catch (error) {
      return upstreamFailed(deps, client, request, ex, framing, error);
    }
    // The head as it came, then the body, sent while the answer is awaited: a client may wait for the
    // upstream's `100 Continue` before it sends the body.
    conn.socket.write(req.bytes);
    if (framing.kind !== 'none') {
      const sending = transfer(reader, framing, {
        socket: conn.socket,
        pace: pace(),
        copy: deleteBody ? (data) => deleteBody.push(data) : undefined,
      });
      const state = {
        settled: false,
        done: sending.then(
          () => true,
          () => false,
        ),
      };
      void state.done.then(() => (state.settled = true));
      body = state;
    }
    try {
      res = await finalHead(conn, client);
      break;
    } catch (error) {
      if (signal.aborted) throw error;
      upstream.drop();
      // An idle keep-alive connection the upstream closed just as it was reused: a body-less request can be
      // sent again on a fresh one; that is the connection's race, not the upstream's failure.
      if (framing.kind === 'none' && attempt === 0 && conn.reused && !(error instanceof HttpError)) continue;
      return upstreamFailed(deps, client, request, ex, framing, error);
    }
  }
  if (res.status >= 200 && res.status < 300) {
    if (deleteBody) await body?.done;
    const deleted = deleteBody ? Buffer.concat(deleteBody) : undefined;
    recordSuccess(deps, request, plan, res, declaredSize(req), deleted);
  }
  if (plan.responseDelayMs > 0) await clock.sleep(plan.responseDelayMs, signal);

  const resFraming = responseFraming(res, req.method);
  if (resFraming.kind === 'close' || closesConnection(res)) ex.keep = false;
  const filters = listingFilters(deps, request, plan) ?? (ex.outcome.listed === null ? [] : undefined);
  try {
    if (res.status === 200 && request.listing && filters !== undefined) {
      const chunks: Buffer[] = [];
      await transfer(conn.reader, resFraming, { copy: (data) => chunks.push(data) });
      const answer = await answerListing(
        deps,
        request,
        { headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) },
        filters,
        ex.outcome,
      );
      const head = responseHeadBytes(res.status, res.reason, answer.headers);
      client.write(Buffer.concat([head, answer.body]));
      ex.status = res.status;
    } else {
      ex.status = res.status;
      await transfer(conn.reader, resFraming, { socket: client, prefix: res.bytes, pace: pace() });
    }
  } catch (error) {
    if (signal.aborted) throw error;
    // The upstream broke off mid-body: the client sees a cut answer, never a wrong one.
    ex.outcome.upstreamError = codeOf(error);
    ex.keep = false;
    client.destroy();
    return;
  }
  // The upstream may answer before it has read the whole body (an early error): then the client's body
  // and this connection are out of step, and the connection ends with this answer.
  if (body && !body.settled) ex.keep = false;
  else if (body && !(await body.done)) ex.keep = false;
  if (!ex.keep) client.end();
}

/** The upstream's final answer head, relaying interim ones (`100 Continue`) to the client. */
async function finalHead(conn: UpstreamConnection, client: net.Socket): Promise<ResponseHead> {
  for (;;) {
    const bytes = await conn.reader.head();
    if (bytes === null)
      throw Object.assign(new Error('upstream closed the connection'), { code: 'ECONNRESET' });
    const head = parseResponseHead(bytes);
    if (head.status >= 200) return head;
    if (head.status === 101) throw new HttpError('the upstream switched protocols', 502);
    await write(client, bytes);
  }
}

function upstreamFailed(
  deps: DataPlaneDeps,
  client: net.Socket,
  request: RuleRequest,
  ex: Exchange,
  framing: BodyFraming,
  error: unknown,
): void {
  const code = codeOf(error);
  deps.stats.upstreamErrors++;
  ex.outcome.upstreamError = code;
  // The client's body may be partly sent or not at all: the connection ends with this answer.
  if (framing.kind !== 'none') ex.keep = false;
  const message = `upstream ${deps.upstream.host} failed: ${code}`;
  sendError(client, ex, 'BadGateway', describe(request), message);
  if (!ex.keep) client.end();
}

const reasonOf = (status: number): string => STATUS_CODES[status] ?? '';

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String((error as Error).message ?? error);
}
