// Paces bytes to a bandwidth (the throttle rule), in small pieces so the rate holds within a request.
import type { Clock } from '../../common/index.js';

export class Pacer {
  private start?: number;
  private sent = 0;
  /** About 20 pieces a second: smooth enough, few enough timers. */
  readonly maxPiece: number;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly clock: Clock,
    private readonly signal?: AbortSignal,
  ) {
    this.maxPiece = Math.max(1, Math.floor(bytesPerSecond / 20));
  }

  /** Waits until `bytes` more may go: when the bytes sent so far plus these are due at the rate. */
  async wait(bytes: number): Promise<void> {
    this.start ??= this.clock.monotonic();
    this.sent += bytes;
    const wait = this.start + (this.sent / this.bytesPerSecond) * 1000 - this.clock.monotonic();
    if (wait > 0) await this.clock.sleep(wait, this.signal);
  }
}
