// startS3Proxy: the S3-aware fault proxy as a library (data port + control port + in-process handle).
import { open } from 'node:fs/promises';
import http from 'node:http';
import net, { isIP } from 'node:net';
import { EnvironmentError, systemClock, UsageError, type Clock } from '../../common/index.js';
import { createControlHandler } from './control-api.js';
import { ProxyCore, type ProxyEvent } from './core.js';
import { createConnectionHandler } from './data-plane.js';
import { DecisionLog } from './decision-log.js';
import { parseRule } from './schema.js';
import type { DecisionRecord, RuleSpec } from './types.js';
import { minioLister, type UpstreamCredentials } from './upstream-lister.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface S3ProxyOptions {
  /** Base URL of the S3 server, e.g. `http://127.0.0.1:9000`. */
  upstream: string;
  /** Data port address, `HOST:PORT` or `{host, port}`; port 0 picks a free one. Default 127.0.0.1:0. */
  listen?: string | HostPort;
  /** Control port address; default 127.0.0.1:0. A non-loopback host requires `token`. */
  control?: string | HostPort;
  seed: number;
  rules?: RuleSpec[];
  /** Path of the JSONL decision log (appended). */
  decisionLog?: string;
  /**
   * Decisions held in memory for the control API's `decisions` (default 100,000): a client further behind
   * than that misses the oldest, and sees it by the gap in their ids (the JSONL file keeps them all).
   */
  decisionMemory?: number;
  onDecision?: (record: DecisionRecord) => void;
  onEvent?: (event: ProxyEvent) => void;
  token?: string;
  clock?: Clock;
  /**
   * Credentials of the proxy's own for the upstream: with them, whether a CommonPrefix whose keys may all be
   * hidden is listed is decided by asking the upstream (exact); without, from the proxy's record.
   */
  upstreamCredentials?: UpstreamCredentials;
  /**
   * A regular expression (its source) on listing prefixes: the decision of every listing whose prefix
   * matches records what its answer showed (`listed`), pass decisions included. Keep it narrow: each such
   * answer is buffered and parsed.
   */
  recordListings?: string;
}

export interface S3Proxy {
  dataUrl: string;
  controlUrl: string;
  /** In-process control: the same verbs as ProxyClient, plus the events (`lease-expired`, `reset`). */
  control: ProxyCore;
  close(): Promise<void>;
}

export function parseHostPort(value: string | HostPort, what: string): HostPort {
  if (typeof value !== 'string') return value;
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535)
    throw new UsageError(`${what}: expected HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export async function startS3Proxy(options: S3ProxyOptions): Promise<S3Proxy> {
  let upstream: URL;
  try {
    upstream = new URL(options.upstream);
  } catch {
    throw new UsageError(`upstream: not a URL: ${JSON.stringify(options.upstream)}`);
  }
  if (upstream.protocol !== 'http:')
    throw new UsageError(`upstream: only http:// is supported, got ${upstream.protocol}`);
  const listen = parseHostPort(options.listen ?? '127.0.0.1:0', 'listen');
  const controlAt = parseHostPort(options.control ?? '127.0.0.1:0', 'control');
  if (!isLoopback(controlAt.host) && !options.token) {
    throw new UsageError(
      `token: the control port on ${controlAt.host} is not loopback; a bearer token is required`,
    );
  }
  if (options.decisionLog !== undefined) {
    const path = options.decisionLog;
    await open(path, 'a')
      .then((file) => file.close())
      .catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`decisionLog: cannot append to ${path}: ${error.code ?? error.message}`);
      });
  }
  let recordListings: RegExp | undefined;
  if (options.recordListings !== undefined) {
    try {
      recordListings = new RegExp(options.recordListings);
    } catch (error) {
      throw new UsageError(`recordListings: not a regular expression: ${(error as Error).message}`);
    }
  }
  const clock = options.clock ?? systemClock;
  if (
    options.decisionMemory !== undefined &&
    !(Number.isInteger(options.decisionMemory) && options.decisionMemory > 0)
  )
    throw new UsageError(`decisionMemory: expected a positive integer, got ${options.decisionMemory}`);
  const log = new DecisionLog({
    path: options.decisionLog,
    onDecision: options.onDecision,
    ...(options.decisionMemory === undefined ? {} : { capacity: options.decisionMemory }),
  });
  const core = new ProxyCore(options.seed, clock, log, options.onEvent);
  for (const [index, rule] of (options.rules ?? []).entries()) {
    const parsed = parseRule(rule);
    if (!parsed.ok) throw new UsageError(`rules[${index}].${parsed.message}`);
    await core.addRule(parsed.rule).catch((error: Error) => {
      throw new UsageError(`rules[${index}]: ${error.message}`);
    });
  }

  const dataServer = net.createServer(
    createConnectionHandler({
      upstream,
      clock,
      rules: core.rules,
      record: core.record,
      tokens: core.tokens,
      lister: options.upstreamCredentials ? minioLister(upstream, options.upstreamCredentials) : undefined,
      recordListings,
      log,
      stats: core.stats,
      nextId: () => core.nextId(),
    }),
  );
  // close() ends hanging requests and idle keep-alive connections, which would hold the server open.
  const clients = new Set<net.Socket>();
  dataServer.on('connection', (socket: net.Socket) => {
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
  });
  const controlServer = http.createServer(createControlHandler(core, options.token));

  const dataAddress = await listenOn(dataServer, listen, 'listen');
  const controlAddress = await listenOn(controlServer, controlAt, 'control').catch(async (error: unknown) => {
    await closeServer(dataServer);
    throw error;
  });

  return {
    dataUrl: urlOf(dataAddress),
    controlUrl: urlOf(controlAddress),
    control: core,
    async close() {
      core.lease.disarm();
      const closed = Promise.all([closeServer(dataServer), closeServer(controlServer)]);
      for (const socket of clients) socket.destroy();
      await closed;
      await log.close();
    },
  };
}

function urlOf(address: HostPort): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}

function listenOn(server: net.Server, at: HostPort, what: string): Promise<HostPort> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EnvironmentError(
          `${what}: cannot listen on ${at.host}:${at.port}: ${error.code ?? error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(at.port, at.host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string')
        return reject(new EnvironmentError(`${what}: no address`));
      resolve({ host: at.host, port: address.port });
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Hanging requests and idle keep-alive sockets would hold close() forever.
    if (server instanceof http.Server) server.closeAllConnections();
  });
}

export { ProxyClient, type ProxyClientOptions } from './client.js';
export { ProxyApiError } from './api-error.js';
export { parseRule } from './schema.js';
export { regexSource } from './rules/fields.js';
export { globToRegExp } from './glob.js';
export { comparableDecisions } from './decision.js';
export { registerRule, registeredRuleTypes } from './rules/index.js';
export type { Rule, RuleContext, RequestPlan, ListingFilter, Ghost, RuleRequest } from './rules/index.js';
export type { ProxyCore, ProxyEvent } from './core.js';
export type { UpstreamCredentials } from './upstream-lister.js';
export * from './types.js';
