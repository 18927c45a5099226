// no-stuck-state: no SystemBackup and no BackupBackingImage sits in a non-final state longer than the
// stall window without a change of state or progress (docs/design.md#invariants, 1; the #10740 signature).
//
// Which changes count as progress for a SystemBackup: its own state changes, plus, while it waits in
// CreatingBackingImageBackups, any state/progress change of a BBI it waits on (`ClusterView.waitsOn`:
// target `default`, for a backing image that existed when it entered that state), and, while it waits in
// CreatingVolumeBackups, any change of a volume Backup, of a Volume's lastBackup or a BackupVolume's
// lastBackupName (Longhorn waits for those too). A BBI's progress is only its own.
//
// Durations are paced time (docs/design.md#run-record) when the history holds `pace` events: a stall is
// a stretch whose paced length exceeds the window. Paced time never runs faster than `t`, so only
// stretches longer than the window in `t` are kept as candidates while streaming; `finish` measures them
// on the whole pace timeline. Paced time advances by at least PACE_FLOOR of wall time; a stall whose mean
// share was below that floor, and which at that share would still fit in the window, passed the window
// because of the floor, not because the run's processes ran: the machine was too starved to judge, so its
// finding is `unknown` (`starved`). Longer than the window even at the measured share is a failure.
import type { WatchedKind } from '../../../record/index.js';
import { PACE_FLOOR, type PaceTimeline } from '../../harness/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import { seconds } from './checker.js';
import type { ClusterView, ObjectChange, TrackedObject } from './view.js';
import { describeState, isFinal, nameInMessage, subjectOf } from './view.js';

const NAME = 'no-stuck-state';
const BBI_WAITING = ['', 'Pending', 'InProgress'];
const SB_KINDS: readonly WatchedKind[] = [
  'SystemBackup',
  'BackupBackingImage',
  'Backup',
  'Volume',
  'BackupVolume',
];
/** Kinds whose changes are progress for a SystemBackup in CreatingVolumeBackups. */
const VOLUME_BACKUP_KINDS: readonly WatchedKind[] = ['Backup', 'Volume', 'BackupVolume'];
const BBI_KINDS: readonly WatchedKind[] = ['BackupBackingImage'];

interface Activity {
  t: number;
  eventId: number;
}

interface Stall {
  object: TrackedObject;
  state: string;
  progress?: number;
  from: number;
  to: number;
  evidence: number[];
  /** Why it waited, for the message (the SystemBackup's unfinished BBIs or Backups). */
  detail: string;
  /** The stall ran to the end of the observation. */
  open: boolean;
}

/** A share as a whole percentage, rounded down so that a share below the floor never reads as the floor: 0.249 reads 24%. */
function percent(share: number): string {
  return `${Math.floor(share * 100 + 1e-9)}%`;
}

export class NoStuckState implements StreamingChecker {
  readonly names = [NAME];
  // a stall seen past the window is a fact, however the run ended
  readonly property = 'safety';
  private readonly activity = new Map<string, Activity>();
  /** Per object, every wait longer than the window in `t`: candidates until measured in paced time. */
  private readonly candidates = new Map<string, Stall[]>();
  private firstT: number | undefined;

  constructor(private readonly windowMs: number) {}

  observe(_event: unknown, change: ObjectChange | undefined, view: ClusterView): void {
    if (!change) return;
    const { object, event } = change;
    if (object.kind !== 'SystemBackup' && object.kind !== 'BackupBackingImage') {
      if (VOLUME_BACKUP_KINDS.includes(object.kind) && change.changed)
        this.progressOfSystemBackups('CreatingVolumeBackups', change, view);
      return;
    }
    this.firstT ??= event.t;
    if (object.kind === 'BackupBackingImage' && change.changed) {
      this.progressOfSystemBackups('CreatingBackingImageBackups', change, view);
    }
    if (change.changed || !this.activity.has(object.key)) this.touch(object, change, view);
  }

  finish({ view, endT, lastEventId, gaps, pace }: FinishContext): Finding[] {
    const findings: Finding[] = [];
    const windowText = this.windowText(pace);
    const early = new Map<string, Finding>();
    for (const object of [...view.all('SystemBackup'), ...view.all('BackupBackingImage')]) {
      if (object.deleted || !this.waiting(object, object.state)) continue;
      const last = this.activity.get(object.key);
      if (!last) continue;
      if (pace.duration(last.t, endT) > this.windowMs) {
        this.record(
          object,
          object.state,
          object.progress,
          last,
          { t: endT, eventId: lastEventId },
          view,
          true,
        );
      } else {
        early.set(object.key, {
          name: NAME,
          valid: 'unknown',
          severity: 'error',
          message: `${nameInMessage(object)} was still ${describeState(object)} when the observation ended, ${this.span(pace, last.t, endT)} after its last change (stall window ${windowText}): too early to tell whether it was stuck`,
          evidence: [last.eventId, lastEventId],
          ...this.scope(object),
        });
      }
    }
    const stalls = this.measured(pace);
    for (const [key, finding] of early) if (!stalls.has(key)) findings.push(finding);
    for (const stall of stalls.values()) {
      const kinds = stall.object.kind === 'SystemBackup' ? SB_KINDS : BBI_KINDS;
      const seen = gaps.longestUncovered(kinds, stall.from, stall.to, (a, b) => pace.duration(a, b));
      const what = `${nameInMessage(stall.object)} stayed ${describeState(stall)} for ${this.span(pace, stall.from, stall.to)}${stall.open ? ' until the end of the observation' : ''} (stall window ${windowText})`;
      const gapIds = gaps.overlapping(kinds, stall.from, stall.to).map((g) => g.id);
      const share = pace.meanShare(stall.from, stall.to);
      const starved = this.starved(pace, stall);
      const message =
        seen <= this.windowMs
          ? `${what}${stall.detail}; but observer gaps cover part of it and the longest stretch seen without a gap is ${seconds(seen)}${pace.measured ? ' of paced time' : ''}, so it may have changed unseen`
          : starved
            ? `${what}${stall.detail}; but the run's processes got only ${percent(share)} of the CPU they asked for during it (below the ${percent(PACE_FLOOR)} floor), so the machine, not Longhorn, may have held it up`
            : `${what}${stall.detail}`;
      findings.push({
        name: NAME,
        valid: seen > this.windowMs && !starved ? false : 'unknown',
        severity: 'error',
        message,
        evidence: [...stall.evidence, ...gapIds],
        ...this.scope(stall.object),
      });
    }
    if (findings.length === 0) {
      const count = [...view.all('SystemBackup'), ...view.all('BackupBackingImage')].length;
      findings.push({
        name: NAME,
        valid: true,
        severity: 'error',
        message: `no SystemBackup or BackupBackingImage (${count} seen) stayed in a non-final state longer than ${windowText} without a change`,
        evidence: [],
        window: { from: this.firstT ?? endT, to: endT },
        kinds: SB_KINDS,
      });
    }
    return findings;
  }

  /**
   * Per object, its longest candidate in paced time that is longer than the window, preferring one its
   * processes were not starved in (see `starved`): that one is a failure.
   */
  private measured(pace: PaceTimeline): Map<string, Stall> {
    const stalls = new Map<string, Stall>();
    for (const [key, candidates] of this.candidates) {
      let best: { stall: Stall; paced: number; fed: boolean } | undefined;
      for (const stall of candidates) {
        const paced = pace.duration(stall.from, stall.to);
        if (paced <= this.windowMs) continue;
        const fed = !this.starved(pace, stall);
        if (!best || (fed && !best.fed) || (fed === best.fed && paced > best.paced))
          best = { stall, paced, fed };
      }
      if (best) stalls.set(key, best.stall);
    }
    return stalls;
  }

  /**
   * Only the floor made this stall longer than the window: its processes got less than PACE_FLOOR of the
   * CPU they asked for, and at the share they really got it would still be within the window. A stall
   * that is too long even at the measured share is a failure, however starved the machine was.
   */
  private starved(pace: PaceTimeline, stall: Stall): boolean {
    const share = pace.meanShare(stall.from, stall.to);
    return share < PACE_FLOOR && share * (stall.to - stall.from) <= this.windowMs;
  }

  /** A stretch for a message: its wall length, or its paced length with the wall length beside it. */
  private span(pace: PaceTimeline, from: number, to: number): string {
    if (!pace.measured) return seconds(to - from);
    return `${seconds(pace.duration(from, to))} of paced time (${seconds(to - from)} wall)`;
  }

  private windowText(pace: PaceTimeline): string {
    return pace.measured ? `${seconds(this.windowMs)} of paced time` : seconds(this.windowMs);
  }

  private waiting(object: TrackedObject, state: string): boolean {
    if (object.kind === 'BackupBackingImage') return BBI_WAITING.includes(state);
    return !isFinal('SystemBackup', state);
  }

  /** A change of the object itself: closes a stall if the wait before it was too long. */
  private touch(object: TrackedObject, change: ObjectChange, view: ClusterView): void {
    const now = { t: change.event.t, eventId: change.event.id };
    const last = this.activity.get(object.key);
    const before = change.before;
    if (last && before && this.waiting(object, before.state) && now.t - last.t > this.windowMs) {
      this.record(object, before.state, before.progress, last, now, view, false);
    }
    this.activity.set(object.key, now);
  }

  /** A dependent changed: every SystemBackup waiting in `state` made progress. */
  private progressOfSystemBackups(state: string, change: ObjectChange, view: ClusterView): void {
    const now = { t: change.event.t, eventId: change.event.id };
    for (const sb of view.inState('SystemBackup', state)) {
      if (change.object.kind === 'BackupBackingImage' && !view.waitsOn(sb, change.object)) continue;
      const last = this.activity.get(sb.key);
      if (last && now.t - last.t > this.windowMs)
        this.record(sb, sb.state, undefined, last, now, view, false);
      this.activity.set(sb.key, now);
    }
  }

  private record(
    object: TrackedObject,
    state: string,
    progress: number | undefined,
    from: { t: number; eventId: number },
    to: { t: number; eventId: number },
    view: ClusterView,
    open: boolean,
  ): void {
    const { detail, evidence } =
      object.kind === 'SystemBackup' ? this.waitedOn(object, state, view) : { detail: '', evidence: [] };
    const candidates = this.candidates.get(object.key) ?? [];
    this.candidates.set(object.key, candidates);
    candidates.push({
      object,
      state,
      ...(progress === undefined ? {} : { progress }),
      from: from.t,
      to: to.t,
      // The object's own last change, the last progress it waited on, what it waits on, and the window's end.
      evidence: [...new Set([object.lastChangeEventId, from.eventId, ...evidence, to.eventId])].sort(
        (x, y) => x - y,
      ),
      detail,
      open,
    });
  }

  /** What a waiting SystemBackup waits on, named for the message, with the events of their last change. */
  private waitedOn(
    sb: TrackedObject,
    state: string,
    view: ClusterView,
  ): { detail: string; evidence: number[] } {
    const kind =
      state === 'CreatingBackingImageBackups'
        ? 'BackupBackingImage'
        : state === 'CreatingVolumeBackups'
          ? 'Backup'
          : undefined;
    if (!kind) return { detail: '', evidence: [] };
    const unfinished = [...view.live(kind)].filter(
      (o) => !isFinal(kind, o.state) && (kind !== 'BackupBackingImage' || view.waitsOn(sb, o)),
    );
    if (unfinished.length === 0) {
      return {
        detail: `; no ${kind} it could wait on is unfinished (it may wait on one that was deleted)`,
        evidence: [],
      };
    }
    const named = unfinished.map((o) => `${kind} ${o.name} stuck at ${describeState(o)}`);
    return { detail: `; ${named.join(', ')}`, evidence: unfinished.map((o) => o.lastChangeEventId) };
  }

  private scope(object: TrackedObject): Pick<Finding, 'subject' | 'iteration'> {
    return {
      subject: subjectOf(object),
      ...(object.iteration === undefined ? {} : { iteration: object.iteration }),
    };
  }
}
