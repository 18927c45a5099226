// The control port: a small JSON API over the proxy core (toxiproxy's shape). Errors are
// `{error, status, field?}`; a bearer token, when set, guards every route.
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { ProxyApiError } from './api-error.js';
import type { ProxyCore } from './core.js';
import type { RuleSpec } from './types.js';

type Handler = (
  input: { body: unknown; query: URLSearchParams; name?: string },
  res: http.ServerResponse,
) => Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  status?: number;
}

const MAX_BODY = 1024 * 1024;

export function createControlHandler(core: ProxyCore, token?: string) {
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/rules$/, handler: () => core.listRules() },
    {
      method: 'POST',
      pattern: /^\/rules$/,
      status: 201,
      handler: ({ body }) => core.addRule(body as RuleSpec),
    },
    {
      method: 'GET',
      pattern: /^\/rules\/([^/]+)$/,
      handler: async ({ name }) => ruleWithCounters(core, name as string),
    },
    {
      method: 'PUT',
      pattern: /^\/rules\/([^/]+)$/,
      handler: ({ body, name }) => core.updateRule(name as string, body as RuleSpec),
    },
    {
      method: 'DELETE',
      pattern: /^\/rules\/([^/]+)$/,
      handler: ({ name }) => core.deleteRule(name as string),
    },
    {
      method: 'POST',
      pattern: /^\/reset$/,
      handler: async ({ body }) => {
        const seed = field(body, 'seed');
        await core.reset(seed === undefined ? {} : { seed: seed as number });
        return { ok: true, seed: core.seed };
      },
    },
    { method: 'GET', pattern: /^\/metrics$/, handler: () => core.metrics() },
    { method: 'GET', pattern: /^\/decisions$/, handler: ({ query }) => decisions(core, query) },
    {
      method: 'GET',
      pattern: /^\/decisions\/stream$/,
      handler: ({ query }, res) => stream(core, query, res),
    },
    { method: 'GET', pattern: /^\/lease$/, handler: async () => core.lease.current },
    {
      method: 'POST',
      pattern: /^\/lease$/,
      handler: ({ body }) =>
        core.acquireLease(field(body, 'holder') as string, field(body, 'ttlMs') as number),
    },
    {
      method: 'POST',
      pattern: /^\/lease\/renew$/,
      handler: ({ body }) =>
        core.renewLease(field(body, 'holder') as string, field(body, 'ttlMs') as number | undefined),
    },
    {
      method: 'DELETE',
      pattern: /^\/lease$/,
      handler: async ({ body, query }) => (
        await core.releaseLease((query.get('holder') ?? field(body, 'holder')) as string),
        { ok: true }
      ),
    },
    { method: 'GET', pattern: /^\/healthz$/, handler: async () => ({ ok: true }) },
  ];

  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    serve(req, res).catch((error: unknown) => {
      const apiError = error instanceof ProxyApiError ? error : new ProxyApiError(String(error), 500);
      if (res.headersSent) return void res.destroy();
      sendJson(res, apiError.status, apiError.toJSON());
    });
  };

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (token !== undefined && !authorized(req.headers.authorization, token)) {
      throw new ProxyApiError('a bearer token is required (Authorization: Bearer <token>)', 401);
    }
    const url = new URL(req.url ?? '/', 'http://control');
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    if (candidates.length === 0) throw new ProxyApiError(`no such endpoint: ${url.pathname}`, 404);
    const route = candidates.find((r) => r.method === req.method);
    if (!route) throw new ProxyApiError(`${req.method} not allowed on ${url.pathname}`, 405);
    const match = route.pattern.exec(url.pathname) as RegExpExecArray;
    const name = match[1] === undefined ? undefined : decodeName(match[1], url.pathname);
    const body = await readJson(req);
    const result = await route.handler({ body, query: url.searchParams, name }, res);
    if (res.headersSent) return;
    sendJson(res, route.status ?? 200, result ?? null);
  }
}

/** A rule name from the path; a malformed percent-encoding is the client's error, not the proxy's. */
function decodeName(raw: string, path: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ProxyApiError(`${path}: the rule name is not valid percent-encoding`, 400, 'name');
  }
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function ruleWithCounters(core: ProxyCore, name: string) {
  const entry = core.rules.get(name);
  if (!entry) throw new ProxyApiError(`no rule named ${name}`, 404, 'name');
  return { ...entry.spec, counters: entry.counters };
}

function cursor(query: URLSearchParams): number {
  const after = Number(query.get('after') ?? 0);
  if (!Number.isInteger(after) || after < 0)
    throw new ProxyApiError('after: a non-negative integer id is required', 400, 'after');
  return after;
}

async function decisions(core: ProxyCore, query: URLSearchParams) {
  const waitMs = Number(query.get('wait') ?? 0);
  if (!Number.isFinite(waitMs) || waitMs < 0) throw new ProxyApiError('wait: milliseconds >= 0', 400, 'wait');
  return core.log.wait(cursor(query), Math.min(waitMs, 60_000));
}

/** NDJSON: the backlog after the cursor, then every new record as it is logged, until the client leaves. */
async function stream(core: ProxyCore, query: URLSearchParams, res: http.ServerResponse): Promise<void> {
  const after = cursor(query);
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
  for (const record of core.log.after(after)) res.write(`${JSON.stringify(record)}\n`);
  const unsubscribe = core.log.subscribe((record) => res.write(`${JSON.stringify(record)}\n`));
  res.once('close', unsubscribe);
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ProxyApiError('request body larger than 1 MiB', 413);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ProxyApiError(`body is not JSON: ${(error as Error).message}`, 400, '');
  }
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
