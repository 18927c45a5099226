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
  /** The integral of the measured share over `t` (paced time without the floor), at each point. */
  private readonly shared: number[] = [];

  /**
   * Adds a sample; `t` must not go backwards (the history's order). `share` is the share measured over the
   * interval the sample ends (before the floor; by default, the speed of paced time over it). A point on
   * the line before it is merged.
   */
  add(t: number, pacedMs: number, share?: number): void {
    const n = this.ts.length;
    let shared = pacedMs;
    if (n > 0) {
      const lastT = this.ts[n - 1] as number;
      const lastPaced = this.paced[n - 1] as number;
      shared =
        (this.shared[n - 1] as number) + (share === undefined ? pacedMs - lastPaced : (t - lastT) * share);
      if (t < lastT) throw new Error(`pace sample at t=${t} comes before the previous one at t=${lastT}`);
      if (pacedMs < lastPaced || pacedMs - lastPaced > t - lastT + PACE_TOLERANCE_MS) {
        throw new Error(
          `pace sample at t=${t}: paced time ${pacedMs} ms must lie between ${lastPaced} and ${lastPaced + (t - lastT)} ms (never backwards, never faster than t)`,
        );
      }
    }
    if (n >= 2 && this.onLine(this.paced, t, pacedMs) && this.onLine(this.shared, t, shared)) {
      // The middle point adds nothing to the line: an idle run keeps two points, not one per sample.
      this.ts[n - 1] = t;
      this.paced[n - 1] = pacedMs;
      this.shared[n - 1] = shared;
      return;
    }
    this.ts.push(t);
    this.paced.push(pacedMs);
    this.shared.push(shared);
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
    return this.interpolate(this.paced, t);
  }

  /** Paced milliseconds between two moments of `t`. */
  duration(from: number, to: number): number {
    return this.at(to) - this.at(from);
  }

  /**
   * The mean share the run's processes got over [from, to], weighted by time, before the floor: 1 where
   * there are no samples (wall time), and 1 for an empty stretch.
   */
  meanShare(from: number, to: number): number {
    if (to <= from) return 1;
    return (this.interpolate(this.shared, to) - this.interpolate(this.shared, from)) / (to - from);
  }

  private interpolate(values: readonly number[], t: number): number {
    const n = this.ts.length;
    if (n === 0) return t;
    const firstT = this.ts[0] as number;
    if (t <= firstT) return (values[0] as number) - (firstT - t);
    const lastT = this.ts[n - 1] as number;
    if (t >= lastT) return (values[n - 1] as number) + (t - lastT);
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
    const p0 = values[low] as number;
    const p1 = values[high] as number;
    return t1 === t0 ? p1 : p0 + ((p1 - p0) * (t - t0)) / (t1 - t0);
  }

  /** Whether (t, value) lies on the line through the last two points of `values`. */
  private onLine(values: readonly number[], t: number, value: number): boolean {
    const n = this.ts.length;
    const ta = this.ts[n - 2] as number;
    const tb = this.ts[n - 1] as number;
    const pa = values[n - 2] as number;
    const pb = values[n - 1] as number;
    if (tb === ta || t === tb) return false;
    const before = (pb - pa) / (tb - ta);
    const after = (value - pb) / (t - tb);
    return Math.abs(before - after) <= 1e-9 * Math.max(1, Math.abs(before));
  }
}
