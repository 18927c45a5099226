// What a streaming checker is: it sees each event once (plus the object change a watch event made) and
// keeps per-object state; at the end it turns that state into findings. Also the observer-gap bookkeeping.
import type {
  CheckProperty,
  CheckResult,
  FaultClass,
  GapEvent,
  HistoryEvent,
  WatchedKind,
} from '../../../record/index.js';
import type { PaceTimeline } from '../../harness/index.js';
import type { ClusterView, ObjectChange } from './view.js';

export interface CheckOptions {
  /**
   * A non-final state unchanged for longer than this is stuck: paced ms when the history holds `pace`
   * events, else wall ms (docs/design.md#run-record).
   */
  stallWindowMs: number;
  faultClass: FaultClass;
  /** Only events of this scenario are checked. */
  scenario?: string;
  /** `t` at which observation ended; defaults to the last checked event's `t`. */
  endT?: number;
}

/** A result plus what the gap rule needs: the stretch of time it relied on and the kinds it watched. */
export interface Finding extends CheckResult {
  window?: { from: number; to: number };
  kinds?: readonly WatchedKind[];
}

export interface FinishContext {
  view: ClusterView;
  endT: number;
  /** Id of the last checked event: evidence for "until the end of the observation". */
  lastEventId: number;
  gaps: GapLog;
  options: CheckOptions;
  /** Paced time through the history's `pace` events (wall time, `t`, when there are none). */
  pace: PaceTimeline;
}

export interface StreamingChecker {
  /** The invariant names this checker may emit (a crash is reported under the first). */
  readonly names: readonly string[];
  /**
   * Safety (a violation seen stays a violation) or liveness (eventually; `false` on a run cut short
   * becomes unknown). Every result of this checker carries it.
   */
  readonly property: CheckProperty;
  observe?(event: HistoryEvent, change: ObjectChange | undefined, view: ClusterView): void;
  finish(context: FinishContext): Finding[];
}

/** Observer gaps seen so far; there are few, so they are kept. */
export class GapLog {
  readonly gaps: GapEvent[] = [];

  add(gap: GapEvent): void {
    this.gaps.push(gap);
  }

  /** Gaps of the given kinds that overlap [from, to]. */
  overlapping(kinds: readonly WatchedKind[], from: number, to: number): GapEvent[] {
    return this.gaps.filter((g) => kinds.includes(g.kind) && g.from <= to && g.t >= from);
  }

  /**
   * The longest stretch of [from, to] no gap of these kinds covers: how long we *know* nothing changed
   * when we saw no change, since a change could hide in any gap. `measure` gives a stretch's length
   * (paced time); by default its length in `t`.
   */
  longestUncovered(
    kinds: readonly WatchedKind[],
    from: number,
    to: number,
    measure: (from: number, to: number) => number = (a, b) => b - a,
  ): number {
    const covering = this.overlapping(kinds, from, to)
      .map((g) => [Math.max(from, g.from), Math.min(to, g.t)] as const)
      .sort((a, b) => a[0] - b[0]);
    let longest = 0;
    let cursor = from;
    for (const [start, end] of covering) {
      if (start > cursor) longest = Math.max(longest, measure(cursor, start));
      cursor = Math.max(cursor, end);
    }
    return Math.max(longest, measure(cursor, to));
  }
}

/** The gap rule: a pass that relied on a window an observer gap overlaps becomes unknown; a failure stays. */
export function applyGaps(findings: Finding[], gaps: GapLog): Finding[] {
  return findings.map((f) => {
    if (f.valid !== true || !f.window || !f.kinds) return f;
    const hit = gaps.overlapping(f.kinds, f.window.from, f.window.to);
    const first = hit[0];
    if (!first) return f;
    return {
      ...f,
      valid: 'unknown',
      message: `${f.message}; but the observer had ${hit.length} gap(s) in the checked window (first: ${first.kind} from t=${first.from} to t=${first.t}, ${first.reason}), so this pass is not proven`,
      evidence: [...f.evidence, ...hit.map((g) => g.id)],
    };
  });
}

/** Strips the internal fields so the record holds plain CheckResults. */
export function toCheckResult(f: Finding): CheckResult {
  const { window: _window, kinds: _kinds, ...result } = f;
  return result;
}

export function seconds(ms: number): string {
  // Tenths: paced durations are sums of fractions, and 66.00000001 s reads as 66 s.
  const s = Math.round(ms / 100) / 10;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
