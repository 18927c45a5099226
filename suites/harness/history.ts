// The run's history: every event gets an id (from 1), a monotonic `t` and an epoch `ts`, then goes to a
// sink (the run record writer) in order. Keeping the events in memory is optional: checkers stream.
import type { Clock } from '../../common/index.js';
import type { HistoryEvent, NewEvent } from '../../record/index.js';

export type HistorySink = (event: HistoryEvent) => void | Promise<void>;

export interface HistoryOptions {
  clock: Clock;
  /** Receives every event in order; async sinks are awaited one after another. */
  sink?: HistorySink;
  /** Keep every event in memory (tests, small runs). Off by default: a soak must not hold its history. */
  retain?: boolean;
  /** Scenario stamped on events that name none (see `setScenario`). */
  scenario?: string;
}

export class History {
  private readonly clock: Clock;
  private readonly sink: HistorySink | undefined;
  private readonly retained: HistoryEvent[] | undefined;
  private readonly origin: number;
  private nextId = 1;
  private lastT = 0;
  private scenario: string | undefined;
  private chain: Promise<void> = Promise.resolve();
  private sinkError: unknown;

  constructor(options: HistoryOptions) {
    this.clock = options.clock;
    this.sink = options.sink;
    this.retained = options.retain ? [] : undefined;
    this.scenario = options.scenario;
    this.origin = options.clock.monotonic();
  }

  /** The scenario every following event belongs to, unless the event names its own. */
  setScenario(name: string | undefined): void {
    this.scenario = name;
  }

  /** Milliseconds since the history started, on the history's own time axis (what `t` means). */
  now(): number {
    return Math.max(this.lastT, this.clock.monotonic() - this.origin);
  }

  /**
   * Stamps and records one event. A caller-given `t` is kept but never allowed to go backwards, because
   * checkers rely on `t` following `id`.
   */
  append<E extends NewEvent>(event: E): HistoryEvent {
    const t = Math.max(this.lastT, event.t ?? this.clock.monotonic() - this.origin);
    this.lastT = t;
    const stamped = {
      ...event,
      ...(event.scenario === undefined && this.scenario !== undefined ? { scenario: this.scenario } : {}),
      id: this.nextId++,
      t,
      ts: event.ts ?? this.clock.now(),
    } as HistoryEvent;
    this.retained?.push(stamped);
    const sink = this.sink;
    if (sink) {
      this.chain = this.chain.then(async () => {
        if (this.sinkError !== undefined) return;
        try {
          await sink(stamped);
        } catch (error) {
          this.sinkError = error;
        }
      });
    }
    return stamped;
  }

  /** Id the next event will get; `lastId` is one less. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Every event so far, when retained; throws otherwise (a caller that needs this must ask for it). */
  get events(): readonly HistoryEvent[] {
    if (!this.retained)
      throw new Error('History was created without retain: true; read the run record instead');
    return this.retained;
  }

  /** Waits until the sink has taken every event so far; rejects with the sink's first error. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.sinkError !== undefined) {
      throw new Error('history sink failed', { cause: this.sinkError });
    }
  }
}
