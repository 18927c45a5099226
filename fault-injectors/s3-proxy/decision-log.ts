// The decision log: one record per request, in the order requests finish, kept in memory for the control
// API's stream (bounded), appended to a JSONL file, and passed to an optional callback.
//
// A record's `id` is its position in this log (1, 2, 3, … with no gaps), given when the request finishes. So
// ids increase in log order and `after=ID` means "everything logged after record ID": a client may poll with
// the last id it received or the highest one (they are the same), and never misses or repeats a record,
// even when a slow request finishes after faster ones that arrived later. Arrival order is in `ts`.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { DecisionRecord } from './types.js';

export class DecisionLog {
  private records: DecisionRecord[] = [];
  /** Number of records dropped from memory (the id of the last one dropped). */
  private base = 0;
  private count = 0;
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

  /** Appends a finished request's record, giving it the next id; returns the record. */
  append(record: Omit<DecisionRecord, 'id'> & { id?: number }): DecisionRecord {
    const logged = { ...record, id: ++this.count } as DecisionRecord;
    this.records.push(logged);
    // Trim in batches of a tenth, so a full log does not shift the whole array on every request.
    if (this.records.length > this.capacity + Math.ceil(this.capacity / 10)) {
      const drop = this.records.length - this.capacity;
      this.records.splice(0, drop);
      this.base += drop;
    }
    this.file?.write(`${JSON.stringify(logged)}\n`);
    for (const listener of this.listeners) {
      try {
        listener(logged);
      } catch {
        // A failing observer must not break the data plane; the record is in the log regardless.
      }
    }
    return logged;
  }

  /** Records with id > cursor that are still held (the oldest are dropped beyond the capacity). */
  after(cursor = 0): DecisionRecord[] {
    return this.records.slice(Math.max(0, cursor - this.base));
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

  async close(): Promise<void> {
    const file = this.file;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }
}
