// Byte plumbing of the relay: reading a socket message by message, and moving a body from one socket to
// another as the chunks arrive. A body no rule touches costs one write per chunk and a length count; pacing
// (throttle) and copying (DeleteObjects' key list, listing answers) are opt-in per body.
import type net from 'node:net';
import { ChunkedScanner, HttpError, MAX_HEAD_BYTES, type BodyFraming } from './http1.js';

/** Pull-style reading of a socket: `next()` chunk by chunk, `head()` up to a blank line, `unshift` to put back. */
export class SocketReader {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private failure?: Error;
  private wake?: () => void;
  private pumping?: Pump;

  constructor(readonly socket: net.Socket) {
    const notify = () => {
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
    socket.on('data', (chunk: Buffer) => {
      if (this.pumping) return this.pumping.feed(chunk);
      this.chunks.push(chunk);
      // Hold at most a few chunks: the sender waits (TCP backpressure) while a rule holds the message.
      if (this.chunks.length >= 4) socket.pause();
      notify();
    });
    const ended = () => {
      this.ended = true;
      this.pumping?.finish(new HttpError('connection closed inside a body', 400));
      notify();
    };
    socket.on('end', ended);
    socket.on('close', ended);
    socket.on('error', (error) => {
      this.failure ??= error;
      this.pumping?.finish(error);
      notify();
    });
  }

  /**
   * Forwards the next `length` bytes to `to` as they arrive, straight from the socket's data events: a
   * body no rule touches costs a write per chunk and nothing else. Resolves once the last byte is queued.
   */
  pump(to: net.Socket, length: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const pump = new Pump(this, to, length, (error) => {
        this.pumping = undefined;
        if (error) reject(error);
        else resolve();
      });
      while (!pump.finished && this.chunks.length > 0) pump.feed(this.chunks.shift() as Buffer);
      if (pump.finished) return;
      if (this.failure || this.ended) return pump.finish(this.failure ?? new Error('connection closed'));
      this.pumping = pump;
      if (this.socket.isPaused() && !to.writableNeedDrain) this.socket.resume();
    });
  }

  /** True when nothing is buffered and the peer has closed. */
  get finished(): boolean {
    return this.chunks.length === 0 && (this.ended || this.failure !== undefined);
  }

  /** The next chunk, or null once the peer has closed. */
  async next(): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        if (this.chunks.length === 0 && this.socket.isPaused()) this.socket.resume();
        return chunk;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  unshift(chunk: Buffer): void {
    if (chunk.length > 0) this.chunks.unshift(chunk);
  }

  /** A message head, blank line included; null when the peer closed before sending a byte of it. */
  async head(): Promise<Buffer | null> {
    let head: Buffer | undefined;
    for (;;) {
      const chunk = await this.next();
      if (chunk === null) {
        if (head === undefined) return null;
        throw new HttpError('connection closed inside a message head', 400);
      }
      // Search from 3 bytes back: the blank line may straddle two chunks.
      const from = head === undefined ? 0 : Math.max(0, head.length - 3);
      head = head === undefined ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n', from, 'latin1');
      if (end >= 0) {
        this.unshift(head.subarray(end + 4));
        return head.subarray(0, end + 4);
      }
      if (head.length > MAX_HEAD_BYTES) throw new HttpError('message head too large', 431);
    }
  }
}

/** One body on the fast path: bytes from a reader's socket to another socket, with TCP backpressure. */
class Pump {
  finished = false;
  private draining = false;

  constructor(
    private readonly reader: SocketReader,
    private readonly to: net.Socket,
    private left: number,
    private readonly done: (error?: Error) => void,
  ) {
    to.once('close', this.onClose);
  }

  private readonly onClose = () => this.finish(new Error('socket closed'));
  private readonly onDrain = () => {
    this.draining = false;
    if (!this.finished) this.reader.socket.resume();
  };

  feed(chunk: Buffer): void {
    if (this.finished) return this.reader.unshift(chunk);
    const take = Math.min(chunk.length, this.left);
    this.left -= take;
    const full = !this.to.write(take < chunk.length ? chunk.subarray(0, take) : chunk);
    if (take < chunk.length) this.reader.unshift(chunk.subarray(take));
    if (this.left === 0) return this.finish();
    if (full && !this.draining) {
      this.draining = true;
      this.reader.socket.pause();
      this.to.once('drain', this.onDrain);
    }
  }

  finish(error?: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.to.off('close', this.onClose);
    this.to.off('drain', this.onDrain);
    // The next message's bytes may follow: they wait in the reader, which takes over the socket again.
    if (this.draining) this.reader.socket.resume();
    this.done(error);
  }
}

/** Where a body goes: a socket (written as is), and optionally a pace and a copy. */
export interface BodySink {
  socket?: net.Socket;
  /** The message head: written with the body's first piece, in one system call. */
  prefix?: Buffer;
  /** Waits before each piece is sent (throttle); pieces are at most `maxPiece` bytes. */
  pace?: { maxPiece: number; wait(bytes: number): Promise<void> };
  /** Receives the body's data (decoded if chunked) as it passes. */
  copy?: (data: Buffer) => void;
}

/** Writes and waits for the socket to drain only when it asks to (its buffer is full). */
export async function write(socket: net.Socket, data: Buffer): Promise<void> {
  if (socket.destroyed) throw new Error('socket closed');
  if (socket.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      socket.off('drain', done);
      socket.off('close', closed);
      if (error) reject(error);
      else resolve();
    };
    const closed = () => done(new Error('socket closed'));
    socket.once('drain', done);
    socket.once('close', closed);
  });
}

/**
 * Moves one body from `reader` to `sink` as framed (`none`, a length, chunked, or until close); bytes after
 * it stay in the reader for the next message. Unpaced, the last write is issued but its drain not awaited,
 * so a caller can log before the peer can have seen the end of the message. Throws when the source ends early.
 */
export async function transfer(reader: SocketReader, framing: BodyFraming, sink: BodySink): Promise<void> {
  if (framing.kind === 'none') {
    if (sink.prefix && sink.socket) write(sink.socket, sink.prefix).catch(() => undefined);
    return;
  }
  if (framing.kind === 'length' && sink.socket && !sink.pace && !sink.copy) {
    // Corked, the head and the body's buffered start leave in one write (one packet for a small answer).
    sink.socket.cork();
    if (sink.prefix) sink.socket.write(sink.prefix);
    const pumped = reader.pump(sink.socket, framing.length);
    sink.socket.uncork();
    return pumped;
  }
  let left = framing.kind === 'length' ? framing.length : Infinity;
  const scanner = framing.kind === 'chunked' ? new ChunkedScanner() : undefined;
  let pending: Promise<void> | undefined;
  while (left > 0 && !scanner?.done) {
    const chunk = await reader.next();
    if (chunk === null) {
      if (framing.kind === 'close') break;
      throw new HttpError('connection closed inside a body', 400);
    }
    let take = Math.min(chunk.length, left);
    if (scanner) take = scanner.scan(chunk, sink.copy);
    else if (sink.copy) sink.copy(chunk.subarray(0, take));
    if (take < chunk.length) reader.unshift(chunk.subarray(take));
    left -= take;
    const piece = take < chunk.length ? chunk.subarray(0, take) : chunk;
    await pending;
    if (sink.prefix && sink.socket) {
      // Corked, the head and the first piece leave in one write (one packet for a small answer).
      sink.socket.cork();
      sink.socket.write(sink.prefix);
      sink.prefix = undefined;
      pending = send(sink, piece);
      sink.socket.uncork();
    } else {
      pending = send(sink, piece);
    }
  }
  if (sink.prefix && sink.socket) sink.socket.write(sink.prefix); // a body that ended at once
  // Unpaced, the last piece is already queued on the socket (its drain is the next writer's business);
  // paced, pieces are still to be written and must be before anything else is.
  if (sink.pace) await pending;
  else pending?.catch(() => undefined);
}

async function send(sink: BodySink, data: Buffer): Promise<void> {
  if (!sink.socket) return;
  if (!sink.pace) return write(sink.socket, data);
  for (let offset = 0; offset < data.length; offset += sink.pace.maxPiece) {
    const piece = data.subarray(offset, offset + sink.pace.maxPiece);
    await sink.pace.wait(piece.length);
    await write(sink.socket, piece);
  }
}
