// Streams a run record to disk (docs/design.md#run-record): history and decisions one JSON a line, meta and
// verdict as whole files. The history is never held whole in memory; only lines not yet flushed are.
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { mkdir, open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../common/index.js';
import type { CoverageFile, HistoryEvent, RunMeta, Verdict } from './shapes.js';
import { RECORD_FILES } from './files.js';

/** Lines gathered before one stream write: fewer, larger writes keep 100k events/s cheap. */
const BATCH_BYTES = 64 * 1024;

/** One append-only JSON-lines file with its own backpressure: the caller enqueues synchronously. */
class JsonLinesSink {
  private readonly stream: WriteStream;
  private batch: string[] = [];
  private batchBytes = 0;
  private blocked = false;
  private failure: Error | undefined;
  private scheduled = false;

  constructor(handle: FileHandle) {
    this.stream = handle.createWriteStream();
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.stream.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
  }

  enqueue(line: string): void {
    if (this.failure) throw this.failure;
    this.batch.push(line);
    this.batchBytes += line.length;
    if (this.batchBytes >= BATCH_BYTES) this.flush();
    else if (!this.scheduled) {
      // A trickle of events still reaches the disk within one turn of the event loop.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Lines enqueued but not yet handed to the stream: what a fast producer makes this sink hold. */
  get pendingBytes(): number {
    return this.batchBytes + this.stream.writableLength;
  }

  private flush(): void {
    if (this.blocked || this.batch.length === 0 || this.stream.destroyed) return;
    const chunk = this.batch.join('');
    this.batch = [];
    this.batchBytes = 0;
    if (!this.stream.write(chunk)) this.blocked = true;
  }

  /** Resolves once everything enqueued so far has been handed to the OS. */
  async drained(): Promise<void> {
    this.flush();
    while (this.blocked || this.stream.writableNeedDrain) {
      if (this.failure) throw this.failure;
      await once(this.stream, 'drain');
      this.flush();
    }
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.drained();
    this.stream.end();
    await once(this.stream, 'finish').catch((error: unknown) => {
      this.failure ??= error as Error;
    });
    if (this.failure) throw this.failure;
  }
}

/** Writes `<runDir>/{history,faults}.jsonl`, `meta.json`, `verdict.json`. */
export class RunRecordWriter {
  private readonly history: JsonLinesSink;
  private readonly decisions: JsonLinesSink;
  private lastId = 0;
  private closed = false;

  private constructor(
    readonly runDir: string,
    history: FileHandle,
    decisions: FileHandle,
  ) {
    this.history = new JsonLinesSink(history);
    this.decisions = new JsonLinesSink(decisions);
  }

  /** Creates the run directory (and parents) and the files; an existing record is never appended to. */
  static async create(runDir: string): Promise<RunRecordWriter> {
    try {
      await mkdir(runDir, { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create run directory ${runDir}`, { cause: error });
    }
    const handles: FileHandle[] = [];
    try {
      handles.push(await open(join(runDir, RECORD_FILES.history), 'wx'));
      handles.push(await open(join(runDir, RECORD_FILES.decisions), 'wx'));
      const [history, decisions] = handles as [FileHandle, FileHandle];
      return new RunRecordWriter(runDir, history, decisions);
    } catch (error) {
      await Promise.all(handles.map((h) => h.close()));
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
      const reason = exists ? 'already holds a run record' : 'cannot be written';
      throw new UsageError(`run directory ${runDir} ${reason}`, { cause: error });
    }
  }

  /** Enqueues one history event; ids must increase strictly (evidence points at them). */
  append(event: HistoryEvent): void {
    this.assertOpen();
    if (!Number.isInteger(event.id) || event.id <= this.lastId) {
      throw new UsageError(
        `history event id ${event.id} does not follow ${this.lastId} (ids increase from 1)`,
      );
    }
    this.lastId = event.id;
    this.history.enqueue(JSON.stringify(event) + '\n');
  }

  /** Enqueues one proxy decision (faults.jsonl), as the proxy reported it. */
  appendDecision(decision: object): void {
    this.assertOpen();
    this.decisions.enqueue(JSON.stringify(decision) + '\n');
  }

  /** Bytes enqueued and not yet written, over both streams. */
  get pendingBytes(): number {
    return this.history.pendingBytes + this.decisions.pendingBytes;
  }

  /** For a producer that can wait: resolves when the enqueued lines are written. */
  async drained(): Promise<void> {
    await Promise.all([this.history.drained(), this.decisions.drained()]);
  }

  async writeMeta(meta: RunMeta): Promise<void> {
    await this.writeJson(RECORD_FILES.meta, meta);
  }

  async writeVerdict(verdict: Verdict): Promise<void> {
    await this.writeJson(RECORD_FILES.verdict, verdict);
  }

  /** Flushes and closes both streams; the record is complete on disk when this resolves. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.history.close(), this.decisions.close()]);
  }

  private assertOpen(): void {
    if (this.closed) throw new UsageError(`run record ${this.runDir} is already closed`);
  }

  private async writeJson(name: string, value: unknown): Promise<void> {
    await writeJsonFile(join(this.runDir, name), value);
  }
}

/** Write then rename, so a reader never sees half a meta.json or verdict.json. */
async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(value, null, 2) + '\n');
  await rename(`${path}.tmp`, path);
}

/** Replaces the verdict of a finished record: what re-checking a stored run writes. */
export async function replaceVerdict(runDir: string, verdict: Verdict): Promise<void> {
  await writeJsonFile(join(runDir, RECORD_FILES.verdict), verdict);
}

/** coverage.json, computed from a finished record by whoever analyses it (explore, the CLI). */
export async function writeCoverage(runDir: string, coverage: CoverageFile): Promise<void> {
  await writeJsonFile(join(runDir, RECORD_FILES.coverage), coverage);
}
