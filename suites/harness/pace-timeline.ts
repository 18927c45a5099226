// Paced time read back from a history (docs/design.md#run-record): the line through the `pace` samples.
// The stall judge measures durations on it, live and offline alike, since both read the same events.

/** Rounding slack: samples keep paced ms to three decimals, `t` as measured. */
export const PACE_TOLERANCE_MS = 0.01;

/**
 * Paced milliseconds as a function of `t`. Without samples it is `t` itself (wall time: records written
 * before paced time existed, or runs that could not measure it). Before the first sample and after the
 * last it runs at the speed of `t`; between two samples it is their straight line.
 */
export class PaceTimeline {
  private readonly ts: number[] = [];
  private readonly paced: number[] = [];

  /** Adds a sample; `t` must not go backwards (the history's order). A point on the line before it is merged. */
  add(t: number, pacedMs: number): void {
    const n = this.ts.length;
    if (n > 0) {
      const lastT = this.ts[n - 1] as number;
      const lastPaced = this.paced[n - 1] as number;
      if (t < lastT) throw new Error(`pace sample at t=${t} comes before the previous one at t=${lastT}`);
      if (pacedMs < lastPaced || pacedMs - lastPaced > t - lastT + PACE_TOLERANCE_MS) {
        throw new Error(
          `pace sample at t=${t}: paced time ${pacedMs} ms must lie between ${lastPaced} and ${lastPaced + (t - lastT)} ms (never backwards, never faster than t)`,
        );
      }
    }
    if (n >= 2 && this.onLine(n - 2, n - 1, t, pacedMs)) {
      // The middle point adds nothing to the line: an idle run keeps two points, not one per sample.
      this.ts[n - 1] = t;
      this.paced[n - 1] = pacedMs;
      return;
    }
    this.ts.push(t);
    this.paced.push(pacedMs);
  }

  /** Whether any sample was seen: paced time, not wall time. */
  get measured(): boolean {
    return this.ts.length > 0;
  }

  /** How many points the line keeps: one per change of pace (an idle run keeps two). */
  get points(): number {
    return this.ts.length;
  }

  /** Paced milliseconds at `t`. */
  at(t: number): number {
    const n = this.ts.length;
    if (n === 0) return t;
    const firstT = this.ts[0] as number;
    if (t <= firstT) return (this.paced[0] as number) - (firstT - t);
    const lastT = this.ts[n - 1] as number;
    if (t >= lastT) return (this.paced[n - 1] as number) + (t - lastT);
    // The last point at or before t.
    let low = 0;
    let high = n - 1;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if ((this.ts[middle] as number) <= t) low = middle;
      else high = middle;
    }
    const t0 = this.ts[low] as number;
    const t1 = this.ts[high] as number;
    const p0 = this.paced[low] as number;
    const p1 = this.paced[high] as number;
    return t1 === t0 ? p1 : p0 + ((p1 - p0) * (t - t0)) / (t1 - t0);
  }

  /** Paced milliseconds between two moments of `t`. */
  duration(from: number, to: number): number {
    return this.at(to) - this.at(from);
  }

  private onLine(a: number, b: number, t: number, pacedMs: number): boolean {
    const ta = this.ts[a] as number;
    const tb = this.ts[b] as number;
    const pa = this.paced[a] as number;
    const pb = this.paced[b] as number;
    if (tb === ta || t === tb) return false;
    const before = (pb - pa) / (tb - ta);
    const after = (pacedMs - pb) / (t - tb);
    return Math.abs(before - after) <= 1e-9 * Math.max(1, Math.abs(before));
  }
}
