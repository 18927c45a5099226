// A Transform that paces bytes to a bandwidth, in small slices so the rate holds within a request.
import { Transform, type TransformCallback } from 'node:stream';
import type { Clock } from '../../common/index.js';

export class ThrottleStream extends Transform {
  private start?: number;
  private sent = 0;
  private readonly slice: number;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly clock: Clock,
    private readonly signal?: AbortSignal,
  ) {
    super();
    // About 20 slices a second: smooth enough, few enough timers.
    this.slice = Math.max(1, Math.floor(bytesPerSecond / 20));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pace(chunk).then(() => callback(), callback);
  }

  private async pace(chunk: Buffer): Promise<void> {
    this.start ??= this.clock.monotonic();
    for (let offset = 0; offset < chunk.length; offset += this.slice) {
      const piece = chunk.subarray(offset, offset + this.slice);
      this.sent += piece.length;
      const due = this.start + (this.sent / this.bytesPerSecond) * 1000;
      const wait = due - this.clock.monotonic();
      if (wait > 0) await this.clock.sleep(wait, this.signal);
      this.push(piece);
    }
  }
}
