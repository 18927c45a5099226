// The decision log: one record per request, in the order requests finish, kept in memory for the control
// API's stream (bounded), appended to a JSONL file, and passed to an optional callback.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { DecisionRecord } from './types.js';

export class DecisionLog {
  private records: DecisionRecord[] = [];
  /** Log position of the first record still held in `records`. */
  private base = 0;
  private readonly positions = new Map<number, number>();
  private readonly listeners = new Set<(record: DecisionRecord) => void>();
  private readonly file?: WriteStream;
  /** The first write error of the JSONL file, if any (the file is then incomplete). */
  fileError?: Error;

  constructor(
    options: { path?: string; onDecision?: (record: DecisionRecord) => void; capacity?: number } = {},
    private readonly capacity = options.capacity ?? 100_000,
  ) {
    if (options.path) {
      this.file = createWriteStream(options.path, { flags: 'a' });
      // A failing disk must not take the data plane down: the memory log and the callback keep working.
      this.file.on('error', (error) => {
        this.fileError ??= error;
      });
    }
    if (options.onDecision) this.listeners.add(options.onDecision);
  }

  append(record: DecisionRecord): void {
    this.positions.set(record.id, this.base + this.records.length);
    this.records.push(record);
    // Trim in batches of a tenth, so a full log does not shift the whole array on every request.
    if (this.records.length > this.capacity + Math.ceil(this.capacity / 10)) {
      const dropped = this.records.splice(0, this.records.length - this.capacity);
      this.base += dropped.length;
      for (const d of dropped) this.positions.delete(d.id);
    }
    this.file?.write(`${JSON.stringify(record)}\n`);
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A failing observer must not break the data plane; the record is in the log regardless.
      }
    }
  }

  /**
   * Records logged after the record `cursor` (a request id the caller last received), in log order.
   * Log order is completion order, so a slow request's record may come after a higher id: polling with the
   * last id received never misses one. 0 (or an id no longer held) means from the oldest record held.
   */
  after(cursor = 0): DecisionRecord[] {
    const position = cursor > 0 ? this.positions.get(cursor) : undefined;
    if (position === undefined)
      return cursor > 0 ? this.records.filter((r) => r.id > cursor) : [...this.records];
    return this.records.slice(position - this.base + 1);
  }

  subscribe(listener: (record: DecisionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records after `cursor`, waiting up to `timeoutMs` for at least one (long poll). */
  async wait(cursor: number, timeoutMs: number, signal?: AbortSignal): Promise<DecisionRecord[]> {
    const ready = this.after(cursor);
    if (ready.length > 0 || timeoutMs <= 0) return ready;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const unsubscribe = this.subscribe(() => done());
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    return this.after(cursor);
  }

  clear(): void {
    this.base += this.records.length;
    this.records = [];
    this.positions.clear();
  }

  async close(): Promise<void> {
    const file = this.file;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }
}
