// The dead-man switch: a holder acquires a lease with a TTL and renews it; when it stops renewing, the lease
// expires and `onExpire` drops every rule, so a killed test runner never leaves a poisoned backup store.
import type { Clock } from '../../common/index.js';
import { ProxyApiError } from './api-error.js';
import type { LeaseState } from './types.js';

export class Lease {
  private state: LeaseState | null = null;
  private timer?: AbortController;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (expired: LeaseState) => void,
  ) {}

  get current(): LeaseState | null {
    return this.state ? { ...this.state } : null;
  }

  acquire(holder: string, ttlMs: number): LeaseState {
    if (this.state && this.state.holder !== holder) {
      throw new ProxyApiError(
        `lease held by ${this.state.holder} until ${new Date(this.state.expiresAt).toISOString()}`,
        409,
        'holder',
      );
    }
    return this.arm(holder, ttlMs);
  }

  renew(holder: string, ttlMs?: number): LeaseState {
    if (!this.state || this.state.holder !== holder) {
      throw new ProxyApiError(`no lease held by ${holder} (expired or never acquired)`, 409, 'holder');
    }
    return this.arm(holder, ttlMs ?? this.state.ttlMs);
  }

  release(holder: string): void {
    if (!this.state) return;
    if (this.state.holder !== holder)
      throw new ProxyApiError(`lease held by ${this.state.holder}, not ${holder}`, 409, 'holder');
    this.disarm();
  }

  disarm(): void {
    this.timer?.abort();
    this.timer = undefined;
    this.state = null;
  }

  private arm(holder: string, ttlMs: number): LeaseState {
    this.timer?.abort();
    const timer = new AbortController();
    this.timer = timer;
    const state: LeaseState = { holder, ttlMs, expiresAt: this.clock.now() + ttlMs };
    this.state = state;
    this.clock.sleep(ttlMs, timer.signal).then(
      () => {
        if (this.timer !== timer) return;
        this.timer = undefined;
        this.state = null;
        this.onExpire(state);
      },
      () => undefined, // renewed, released or closed
    );
    return { ...state };
  }
}
