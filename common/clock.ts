// Time, injected. Code that waits or stamps events takes a Clock, so tests can drive time by hand and
// the simulator can run Longhorn's timings scaled by a factor.

/** Wall time for records, monotonic time for durations, and an abortable sleep. */
export interface Clock {
  /** Milliseconds since the epoch (for timestamps people read). */
  now(): number;
  /** Milliseconds from an arbitrary origin that never goes backwards (for durations and ordering). */
  monotonic(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/** The process's real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told to. `advance()` wakes every sleeper whose time has come, in order,
 * letting each one's continuation run before the next wakes.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly epochOffset: number;
  private sleepers: Sleeper[] = [];

  constructor(startEpochMs = Date.UTC(2026, 0, 1)) {
    this.current = 0;
    this.epochOffset = startEpochMs;
  }

  now(): number {
    return this.epochOffset + this.current;
  }

  monotonic(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal as AbortSignal));
      };
      // A sleeper that wakes lets go of the signal: a loop sleeping on one signal must not pile listeners up.
      const sleeper: Sleeper = {
        wakeAt: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** How many sleepers are waiting. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.sleepers[0];
      if (!next || next.wakeAt > target) break;
      this.sleepers.shift();
      this.current = next.wakeAt;
      next.resolve();
      // Let the woken continuation run (and perhaps sleep again) before time moves on.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.current = target;
  }
}
