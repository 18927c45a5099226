// system-backup-waits-for-bbis (safety, every fault class): a SystemBackup leaves CreatingBackingImageBackups
// only when every BBI it waits on is final for Longhorn's wait loop: Completed, or Error; or once one of them
// is in Error, since the first Error ends Longhorn's whole wait (the others may still run). A BBI that went
// away unfinished (NotFound) keeps the wait going, so leaving over it is a failure too, unless a successor for the same backing image exists (a later reconcile's wait goroutine may have
// captured that one instead; the successor is then judged itself). See docs/longhorn.md#systembackup-controller.
import type { HistoryEvent, WatchEvent, WatchedKind } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import type { ClusterView, ObjectChange, TrackedObject } from './view.js';
import { describeState, subjectOf } from './view.js';

const NAME = 'system-backup-waits-for-bbis';
const WAIT_STATE = 'CreatingBackingImageBackups';
/** States that end Longhorn's WaitForBackingImageBackupToComplete for one BBI. */
const WAIT_FINAL = ['Completed', 'Error'];
/** Leaving for these is no claim that the wait finished (failed get-or-create, timeout, deletion). */
const NOT_A_PASS = ['Error', 'Deleting'];
const KINDS: readonly WatchedKind[] = ['SystemBackup', 'BackupBackingImage'];

interface Unfinished {
  key: string;
  name: string;
  state: string;
  progress?: number;
  /** The BBI's last change before the SystemBackup moved on, or its deletion. */
  eventId: number;
  deleted: boolean;
}

interface Transition {
  sb: TrackedObject;
  to: string;
  eventId: number;
  resourceVersion: number;
  unfinished: Unfinished[];
  /** Every live BBI the SystemBackup waited on at its move, final or not. */
  waitedOn: string[];
}

/** etcd resourceVersions are one global counter, so they order events of different kinds (NaN if opaque). */
function rvOf(event: WatchEvent): number {
  return Number(event.resourceVersion || event.object.metadata.resourceVersion);
}

export class WaitHonoured implements StreamingChecker {
  readonly names = [NAME];
  readonly property = 'safety';
  /** First event at which each BBI was Completed or Error, with its resourceVersion. */
  private readonly finalAt = new Map<string, { rv: number; eventId: number }>();
  /** resourceVersion at which each BBI was first in Error: that ends the whole wait of a SystemBackup. */
  private readonly erroredAt = new Map<string, number>();
  /** Per waiting SystemBackup, the BBIs it waits on that were deleted unfinished. */
  private readonly lost = new Map<string, Unfinished[]>();
  private readonly transitions: Transition[] = [];
  private firstT: number | undefined;

  observe(_event: HistoryEvent, change: ObjectChange | undefined, view: ClusterView): void {
    if (!change) return;
    const { object, event } = change;
    if (object.kind === 'BackupBackingImage') this.observeBbi(change, view);
    if (object.kind !== 'SystemBackup') return;
    this.firstT ??= event.t;
    if (change.before?.state !== WAIT_STATE || object.state === WAIT_STATE) return;
    const lost = this.lost.get(object.key) ?? [];
    this.lost.delete(object.key);
    if (event.verb === 'DELETED' || NOT_A_PASS.includes(object.state)) return;
    const unfinished: Unfinished[] = [];
    const waitedOn: string[] = [];
    for (const bbi of view.live('BackupBackingImage')) {
      if (!view.waitsOn(object, bbi)) continue;
      waitedOn.push(bbi.key);
      if (WAIT_FINAL.includes(bbi.state)) continue;
      unfinished.push({
        key: bbi.key,
        name: bbi.name,
        state: bbi.state,
        ...(bbi.progress === undefined ? {} : { progress: bbi.progress }),
        eventId: bbi.lastChangeEventId,
        deleted: false,
      });
    }
    for (const gone of lost) {
      const bbi = [...view.all('BackupBackingImage')].find((o) => o.key === gone.key);
      const replaced = bbi
        ? view.backupsOfBackingImage(bbi.backingImage, bbi.target).some((o) => o.firstEventId > gone.eventId)
        : false;
      if (!replaced) unfinished.push(gone);
    }
    this.transitions.push({
      sb: object,
      to: object.state,
      eventId: event.id,
      resourceVersion: rvOf(event),
      unfinished,
      waitedOn,
    });
  }

  private observeBbi(change: ObjectChange, view: ClusterView): void {
    const { object, event } = change;
    if (WAIT_FINAL.includes(object.state) && !this.finalAt.has(object.key)) {
      this.finalAt.set(object.key, { rv: rvOf(event), eventId: event.id });
    }
    if (object.state === 'Error' && !this.erroredAt.has(object.key)) {
      this.erroredAt.set(object.key, rvOf(event));
    }
    if (event.verb !== 'DELETED' || this.finalAt.has(object.key)) return;
    const state = change.before?.state ?? object.state;
    const progress = change.before ? change.before.progress : object.progress;
    for (const sb of view.inState('SystemBackup', WAIT_STATE)) {
      if (!view.waitsOn(sb, object)) continue;
      const lost = this.lost.get(sb.key) ?? [];
      lost.push({
        key: object.key,
        name: object.name,
        state,
        ...(progress === undefined ? {} : { progress }),
        eventId: event.id,
        deleted: true,
      });
      this.lost.set(sb.key, lost);
    }
  }

  finish({ endT }: FinishContext): Finding[] {
    const findings: Finding[] = [];
    for (const move of this.transitions) {
      // WaitForBackingImageBackupToComplete returns at the first BBI in Error, whatever the others' states
      // (docs/longhorn.md#systembackup-controller): the move honours Longhorn's wait.
      const endedOnError = move.waitedOn.some((key) => {
        const errored = this.erroredAt.get(key);
        return errored !== undefined && errored < move.resourceVersion;
      });
      if (endedOnError) continue;
      // The watch streams of two kinds interleave freely: a BBI whose Completed/Error carries an earlier
      // resourceVersion than the SystemBackup's move was final first and only recorded later.
      const unfinished = move.unfinished.filter((b) => {
        const final = this.finalAt.get(b.key);
        return b.deleted || !final || !(final.rv < move.resourceVersion);
      });
      if (unfinished.length === 0) continue;
      const named = unfinished.map(
        (b) =>
          `BackupBackingImage ${b.name} was ${b.deleted ? `deleted at ${describeState(b)} (NotFound keeps Longhorn waiting)` : describeState(b)}`,
      );
      findings.push({
        name: NAME,
        valid: false,
        severity: 'error',
        message: `${subjectOf(move.sb)} left ${WAIT_STATE} for ${move.to} while ${named.join(', ')}`,
        evidence: [...new Set([move.eventId, ...unfinished.map((b) => b.eventId)])].sort((x, y) => x - y),
        subject: subjectOf(move.sb),
        ...(move.sb.iteration === undefined ? {} : { iteration: move.sb.iteration }),
      });
    }
    if (findings.length > 0) return findings;
    if (this.transitions.length === 0) {
      return [
        {
          name: NAME,
          valid: 'unknown',
          severity: 'error',
          message: `no SystemBackup was seen leaving ${WAIT_STATE}: nothing to judge`,
          evidence: [],
        },
      ];
    }
    return [
      {
        name: NAME,
        valid: true,
        severity: 'error',
        message: `${this.transitions.length} time(s) a SystemBackup left ${WAIT_STATE}, each after every BackupBackingImage it waited on was Completed or Error, or one of them was in Error`,
        evidence: [],
        window: { from: this.firstT ?? endT, to: endT },
        kinds: KINDS,
      },
    ];
  }
}
