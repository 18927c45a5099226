// Paced time (docs/design.md#run-record): wall time slowed down by the share of the CPU the run's own
// processes got while they wanted it. On a machine busy with other work a slow-but-moving object is slow
// because its processes wait on a run queue; paced time stops counting that wait, so the stall window
// does not depend on machine load. The pacer samples, records `pace` events and offers a paced Clock.
import type { Clock } from '../../common/index.js';
import type { NewEvent } from '../../record/index.js';
import type { History } from './history.js';
import type { SchedstatSource, ThreadCounters } from './schedstat.js';

/**
 * Below this demand (CPUs: run + wait over the interval) the processes barely asked for CPU, so nothing
 * was starved and the share is 1: a few ms of queueing of an idle run must not slow paced time.
 */
export const MIN_DEMAND_CPUS = 0.05;

/**
 * Paced time advances by at least this share of wall time, so the stall window stretches at most 1/0.25 =
 * 4 times in wall time: the wait for a stuck object stays bounded (mocha timeouts, CI budgets) however
 * busy the machine is. Below this share the run's processes are too starved to judge liveness: a stall
 * whose mean share is below the floor is `unknown`, not a failure (docs/design.md#run-record).
 */
export const PACE_FLOOR = 0.25;

/** The default sampling interval, wall ms. */
export const PACE_SAMPLE_INTERVAL_MS = 500;

export interface IntervalShare {
  share: number;
  runMs: number;
  waitMs: number;
}

/**
 * The share of one interval: Δrun / (Δrun + Δwait) over the threads seen at both ends, or 1 when their
 * demand was below MIN_DEMAND_CPUS.
 */
export function intervalShare(
  before: ReadonlyMap<string, ThreadCounters>,
  after: ReadonlyMap<string, ThreadCounters>,
  intervalMs: number,
): IntervalShare {
  let runNs = 0;
  let waitNs = 0;
  for (const [key, now] of after) {
    const then = before.get(key);
    if (!then) continue;
    runNs += Math.max(0, now.runNs - then.runNs);
    waitNs += Math.max(0, now.waitNs - then.waitNs);
  }
  const runMs = runNs / 1e6;
  const waitMs = waitNs / 1e6;
  const asked = runMs + waitMs;
  const share = asked === 0 || asked < MIN_DEMAND_CPUS * intervalMs ? 1 : runMs / asked;
  return { share, runMs, waitMs };
}

export interface PacerOptions {
  /** The run's history: pace events go into it, and its `t` is the wall axis paced time follows. */
  history: History;
  /** The wall clock the history runs on (sampling waits on it). */
  clock: Clock;
  source: SchedstatSource;
  intervalMs?: number;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * Samples the source every interval and records a `pace` event with the paced time it reached and the
 * share it measured. Paced time advances by the share, but at least PACE_FLOOR; between samples it runs
 * on at the last (floored) share; it never goes backwards and never runs ahead of `t`.
 */
export class Pacer {
  readonly intervalMs: number;
  private readonly history: History;
  private readonly wall: Clock;
  private readonly source: SchedstatSource;
  private lastCounters: Map<string, ThreadCounters> | undefined;
  private lastT = 0;
  private lastPaced = 0;
  /** The speed of paced time since the last sample: its share, floored at PACE_FLOOR. */
  private lastShare = 1;
  private highWater = 0;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(options: PacerOptions) {
    this.history = options.history;
    this.wall = options.clock;
    this.source = options.source;
    this.intervalMs = options.intervalMs ?? PACE_SAMPLE_INTERVAL_MS;
  }

  /** Takes the first sample (paced time = `t` there) and samples on every interval until `stop()`. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.lastCounters = await this.read();
    const t = this.history.now();
    this.lastT = t;
    this.lastPaced = Math.max(this.highWater, t);
    this.highWater = this.lastPaced;
    this.record({ share: 1, runMs: 0, waitMs: 0 });
    this.loop = (async () => {
      for (;;) {
        try {
          await this.wall.sleep(this.intervalMs, this.stopping.signal);
        } catch {
          return;
        }
        await this.sample();
      }
    })();
  }

  /** Stops sampling after one last sample, so that the record's paced time reaches its end. */
  async stop(): Promise<void> {
    if (!this.loop || this.stopping.signal.aborted) return;
    this.stopping.abort();
    await this.loop;
    await this.sample();
    // After the last sample paced time runs at the speed of `t`, as the judge reads it (pace-timeline.ts).
    this.lastShare = 1;
  }

  /** Paced milliseconds now, on the axis of the history's `t`. */
  now(): number {
    const t = this.history.now();
    if (!this.loop) return Math.max(this.highWater, t);
    this.highWater = Math.max(this.highWater, this.lastPaced + (t - this.lastT) * this.lastShare);
    return this.highWater;
  }

  /** A clock whose `monotonic()` and `sleep()` are paced; `now()` stays wall time for people. */
  get clock(): Clock {
    return {
      now: () => this.wall.now(),
      monotonic: () => this.now(),
      sleep: async (ms, signal) => {
        const until = this.now() + ms;
        signal?.throwIfAborted();
        for (let left = ms; left > 0; left = until - this.now())
          await this.wall.sleep(this.wallFor(left), signal);
      },
    };
  }

  /**
   * Wall ms after which `pacedMs` more have probably passed: at the current share, but at most one
   * sampling interval (the share may change at the next sample) and at least 1 ms (so that rounding
   * cannot stall a sleep).
   */
  private wallFor(pacedMs: number): number {
    if (!this.loop) return pacedMs;
    const atShare = pacedMs / this.lastShare;
    return Math.max(1, Math.min(atShare, this.intervalMs));
  }

  private async read(): Promise<Map<string, ThreadCounters>> {
    try {
      return await this.source.read();
    } catch {
      // Unreadable counters say nothing about starvation: the interval counts as wall time.
      return new Map();
    }
  }

  private async sample(): Promise<void> {
    const counters = await this.read();
    const t = this.history.now();
    const dt = t - this.lastT;
    const measured = intervalShare(this.lastCounters ?? new Map(), counters, dt);
    this.lastCounters = counters;
    const speed = Math.max(measured.share, PACE_FLOOR);
    this.lastPaced = Math.max(this.highWater, this.lastPaced + dt * speed);
    this.highWater = this.lastPaced;
    this.lastT = t;
    this.lastShare = speed;
    this.record(measured);
  }

  private record(measured: IntervalShare): void {
    this.history.append({
      type: 'pace',
      t: this.lastT,
      pacedMs: round(this.lastPaced),
      share: round(measured.share),
      runMs: round(measured.runMs),
      waitMs: round(measured.waitMs),
    } as NewEvent);
  }
}
