// Typed client of the control API, for suites and scripts: the same verbs as the in-process handle.
// Errors come back as ProxyApiError with the server's status and bad field.
import { ProxyApiError } from './api-error.js';
import type {
  DecisionRecord,
  LeaseState,
  ProxyControl,
  ProxyMetrics,
  RuleCounters,
  RuleSpec,
} from './types.js';

export interface ProxyClientOptions {
  token?: string;
  /** Per-call timeout; default 30 s. */
  timeoutMs?: number;
}

export class ProxyClient implements ProxyControl {
  private readonly base: string;

  constructor(
    controlUrl: string,
    private readonly options: ProxyClientOptions = {},
  ) {
    this.base = controlUrl.replace(/\/+$/, '');
  }

  listRules(): Promise<RuleSpec[]> {
    return this.call('GET', '/rules');
  }
  addRule(rule: RuleSpec): Promise<RuleSpec> {
    return this.call('POST', '/rules', rule);
  }
  updateRule(name: string, rule: RuleSpec): Promise<RuleSpec> {
    return this.call('PUT', `/rules/${encodeURIComponent(name)}`, rule);
  }
  deleteRule(name: string): Promise<RuleCounters> {
    return this.call('DELETE', `/rules/${encodeURIComponent(name)}`);
  }
  async reset(options: { seed?: number } = {}): Promise<void> {
    await this.call('POST', '/reset', options.seed === undefined ? undefined : { seed: options.seed });
  }
  metrics(): Promise<ProxyMetrics> {
    return this.call('GET', '/metrics');
  }
  decisions(afterId = 0): Promise<DecisionRecord[]> {
    return this.call('GET', `/decisions?after=${afterId}`);
  }
  /** Long poll: waits up to `waitMs` for at least one record after `afterId`. */
  waitDecisions(afterId: number, waitMs: number): Promise<DecisionRecord[]> {
    return this.call('GET', `/decisions?after=${afterId}&wait=${waitMs}`, undefined, waitMs + 30_000);
  }
  acquireLease(holder: string, ttlMs: number): Promise<LeaseState> {
    return this.call('POST', '/lease', { holder, ttlMs });
  }
  renewLease(holder: string, ttlMs?: number): Promise<LeaseState> {
    return this.call('POST', '/lease/renew', { holder, ...(ttlMs !== undefined && { ttlMs }) });
  }
  async releaseLease(holder: string): Promise<void> {
    await this.call('DELETE', '/lease', { holder });
  }

  /** Follows the NDJSON stream, calling `onRecord` for each record, until `signal` aborts. */
  async streamDecisions(
    afterId: number,
    onRecord: (r: DecisionRecord) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await fetch(`${this.base}/decisions/stream?after=${afterId}`, {
      headers: this.headers(),
      signal,
    });
    if (!res.ok || !res.body) throw await toError(res);
    let pending = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.trim() !== '') onRecord(JSON.parse(line) as DecisionRecord);
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  private headers(): Record<string, string> {
    return this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {};
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = this.options.timeoutMs ?? 30_000,
  ): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...this.headers(), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw await toError(res);
    return (await res.json()) as T;
  }
}

async function toError(res: Response): Promise<ProxyApiError> {
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as { error?: string; field?: string };
    return new ProxyApiError(parsed.error ?? text, res.status, parsed.field);
  } catch {
    return new ProxyApiError(text || res.statusText, res.status);
  }
}
