// Live listeners on the history: reactive fault triggers, the workload's waits and the progress line
// follow the recorded events instead of polling the API server a second time.
import type { Clock } from '../../common/index.js';
import type { History } from './history.js';
import type { HistoryEvent, NewEvent, OpEvent } from '../../record/index.js';

export type HistoryListener = (event: HistoryEvent) => void;

/** Fan-out of recorded events; the History's sink feeds it. */
export class HistoryTap {
  private listeners = new Set<HistoryListener>();

  /** The sink to give a History (after the record writer). */
  readonly deliver = (event: HistoryEvent): void => {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop the record; its owner notices its own failure.
      }
    }
  };

  subscribe(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the first event for which `predicate` is true, or with undefined after `timeoutMs`.
   * Rejects when the signal aborts.
   */
  async next(
    predicate: (event: HistoryEvent) => boolean,
    timeoutMs: number,
    clock: Clock,
    signal?: AbortSignal,
  ): Promise<HistoryEvent | undefined> {
    const timer = new AbortController();
    const onAbort = () => timer.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    // A signal aborted before the wait began (a Ctrl-C while the scene was being created) fires no event.
    if (signal?.aborted) onAbort();
    let found: HistoryEvent | undefined;
    const unsubscribe = this.subscribe((event) => {
      if (found === undefined && predicate(event)) {
        found = event;
        timer.abort(new Error('found'));
      }
    });
    try {
      await clock.sleep(timeoutMs, timer.signal);
    } catch (error) {
      if (found === undefined) throw error;
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    }
    return found;
  }
}

/** invoke, then ok | fail | info, paired by opId (Jepsen's client operations). */
export class OpRecorder {
  private nextOpId = 1;

  constructor(private readonly history: History) {}

  invoke(process: string, f: string, value?: unknown): { opId: number; event: HistoryEvent } {
    const opId = this.nextOpId++;
    const event = this.history.append({ type: 'op', process, opId, f, phase: 'invoke', value } as NewEvent);
    return { opId, event };
  }

  complete(
    opId: number,
    process: string,
    f: string,
    phase: Exclude<OpEvent['phase'], 'invoke'>,
    detail: { value?: unknown; error?: string } = {},
  ): HistoryEvent {
    return this.history.append({ type: 'op', process, opId, f, phase, ...detail } as NewEvent);
  }

  /** Runs `action` as one op: ok with its value, fail when it throws a definite error, info otherwise. */
  async run<T>(
    process: string,
    f: string,
    value: unknown,
    action: () => Promise<T>,
    classify: (error: unknown) => 'fail' | 'info' = () => 'info',
  ): Promise<T> {
    const { opId } = this.invoke(process, f, value);
    try {
      const result = await action();
      this.complete(opId, process, f, 'ok', { value: summarise(result) });
      return result;
    } catch (error) {
      this.complete(opId, process, f, classify(error), {
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }
}

function summarise(value: unknown): unknown {
  if (value && typeof value === 'object' && 'metadata' in value) {
    const metadata = (value as { metadata?: { name?: string; resourceVersion?: string } }).metadata;
    return { name: metadata?.name, resourceVersion: metadata?.resourceVersion };
  }
  return value;
}
