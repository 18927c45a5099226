// The checkers' shared picture of the cluster, built in one pass over watch events: one small record per
// object (keyed on kind + uid, so a re-created object is a new one), never the events themselves.
import { BACKUP_FINAL_STATES, SYSTEM_BACKUP_FINAL_STATES } from '../../../fixtures/crds/index.js';
import { ITERATION_LABEL, type WatchEvent, type WatchedKind } from '../../../record/index.js';

export interface TrackedObject {
  key: string;
  kind: WatchedKind;
  name: string;
  namespace?: string;
  uid?: string;
  /** `status.state`, '' when absent (Longhorn's "None"/"New"). */
  state: string;
  progress?: number;
  labels: Record<string, string>;
  /** BackupBackingImage: the backing image it backs up (`spec.backingImage`, else label or status). */
  backingImage?: string;
  /** BackupBackingImage: its backup target (label, else spec, else Longhorn's `default`). */
  target?: string;
  /** BackupBackingImage pulled from the store (`spec.userCreated: false`): no upload, no progress. */
  pulled: boolean;
  iteration?: number;
  firstEventId: number;
  firstT: number;
  lastEventId: number;
  /** Kind-specific progress that is neither state nor progress (see `progressMarker`). */
  marker?: string;
  /** Last change of the object's own state, progress or progress marker. */
  lastChangeT: number;
  lastChangeEventId: number;
  deletionStarted: boolean;
  deleted?: { eventId: number; t: number };
  /**
   * First event at which the object succeeded: a SystemBackup `Ready`; a BBI or Backup `Completed` with
   * progress 100 (or just `Completed` for a BBI pulled from the store, which never uploads).
   */
  completedEventId?: number;
  completedT?: number;
  /**
   * SystemBackup: the backing images that existed when it entered CreatingBackingImageBackups; it waits on
   * their BBIs. Undefined when no BackingImage was ever observed (then any BBI of target default counts).
   */
  waitsForImages?: Set<string>;
  /**
   * SystemBackup: the BBIs it waited on (see `waitsOn`) as they were when it left
   * CreatingBackingImageBackups, or when it reached Ready if it was never seen there. Only the unfinished
   * ones are kept: Ready over any of them means the wait did not wait.
   */
  waited?: { count: number; unfinished: WaitedBbi[]; eventId: number };
  /** First event at which the object was in any final state. */
  finalEventId?: number;
}

export interface WaitedBbi {
  name: string;
  state: string;
  progress?: number;
  /** The BBI's last change before the SystemBackup moved on. */
  eventId: number;
}

/** One observed change of one object, handed to every checker. */
export interface ObjectChange {
  event: WatchEvent;
  object: TrackedObject;
  /** State and progress before this event; undefined for the first sighting. */
  before?: { state: string; progress?: number };
  /** State or progress changed (or the object appeared or went away). */
  changed: boolean;
}

/**
 * What else counts as progress for a kind: a SystemBackup in CreatingVolumeBackups waits until each
 * Backup is Completed *and* its volume's `status.lastBackup` names it (docs/longhorn.md#systembackup-controller), which follows the
 * BackupVolume sync; so those fields moving is progress too.
 */
function progressMarker(kind: WatchedKind, status: Record<string, unknown>): string | undefined {
  if (kind === 'Volume') return str(status.lastBackup);
  if (kind === 'BackupVolume') return str(status.lastBackupName);
  return undefined;
}

export function isFinal(kind: WatchedKind, state: string): boolean {
  if (kind === 'SystemBackup') return (SYSTEM_BACKUP_FINAL_STATES as readonly string[]).includes(state);
  return (BACKUP_FINAL_STATES as readonly string[]).includes(state);
}

/** The iteration of a SystemBackup: its label, else a trailing `-<n>` in its name. */
export function iterationOf(name: string, labels: Record<string, string>): number | undefined {
  const fromLabel = labels[ITERATION_LABEL];
  const raw = fromLabel ?? /-(\d+)$/.exec(name)?.[1];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : undefined;
}

export function subjectOf(o: Pick<TrackedObject, 'kind' | 'name'>): string {
  return `${o.kind}/${o.name}`;
}

/** The subject for a message: a pulled BBI says so, since Longhorn never uploads it (docs/longhorn.md#backupbackingimage-controller). */
export function nameInMessage(o: Pick<TrackedObject, 'kind' | 'name' | 'pulled'>): string {
  return o.pulled ? `${subjectOf(o)} (pulled from the store)` : subjectOf(o);
}

export function describeState(o: Pick<TrackedObject, 'state' | 'progress'>): string {
  const state = o.state === '' ? "'' (new)" : o.state;
  return o.progress === undefined ? state : `${state} ${o.progress}%`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export class ClusterView {
  private readonly objects = new Map<string, TrackedObject>();
  /** Per kind, the objects not yet deleted: the checkers ask for these on every change. */
  private readonly liveByKind = new Map<WatchedKind, Map<string, TrackedObject>>();
  /** Live objects by kind and state, so "every SystemBackup waiting in X" costs what it finds. */
  private readonly byState = new Map<string, Map<string, TrackedObject>>();
  /** BackupBackingImages by backing image and target, in the order they appeared. */
  private readonly bySlot = new Map<string, TrackedObject[]>();
  /** Iteration of the most recent SystemBackup: BBIs and Backups first seen after it belong to it. */
  private currentIteration: number | undefined;

  /** Applies one watch event and returns the change it made. */
  apply(event: WatchEvent): ObjectChange {
    const key = `${event.kind}/${event.uid ?? event.object.metadata.uid ?? `${event.namespace ?? ''}/${event.name}`}`;
    const status = event.object.status ?? {};
    const spec = event.object.spec ?? {};
    const labels = event.object.metadata.labels ?? {};
    const state = str(status.state) ?? '';
    const progress = typeof status.progress === 'number' ? status.progress : undefined;
    let object = this.objects.get(key);
    const before = object ? { state: object.state, progress: object.progress } : undefined;
    if (!object) {
      let iteration: number | undefined;
      if (event.kind === 'SystemBackup') {
        iteration = iterationOf(event.name, labels);
        this.currentIteration = iteration ?? this.currentIteration;
      } else {
        iteration = this.currentIteration;
      }
      object = {
        key,
        kind: event.kind,
        name: event.name,
        ...(event.namespace === undefined ? {} : { namespace: event.namespace }),
        ...(event.uid === undefined ? {} : { uid: event.uid }),
        state,
        labels,
        pulled: spec.userCreated === false,
        ...(iteration === undefined ? {} : { iteration }),
        firstEventId: event.id,
        firstT: event.t,
        lastEventId: event.id,
        lastChangeT: event.t,
        lastChangeEventId: event.id,
        deletionStarted: false,
      };
      this.objects.set(key, object);
      this.liveOf(event.kind).set(key, object);
      if (event.kind === 'BackupBackingImage') {
        this.setBackingImage(object, spec, labels, status);
        const slot = ClusterView.slot(object.backingImage, object.target);
        this.bySlot.set(slot, [...(this.bySlot.get(slot) ?? []), object]);
      }
    } else if (event.kind === 'BackupBackingImage') {
      this.setBackingImage(object, spec, labels, status);
    }
    object.labels = labels;
    if (event.kind === 'SystemBackup' && state === 'CreatingBackingImageBackups' && before?.state !== state) {
      const imagesSeen = this.liveByKind.get('BackingImage');
      object.waitsForImages = imagesSeen ? new Set([...imagesSeen.values()].map((o) => o.name)) : undefined;
    }
    if (before === undefined || before.state !== state) {
      if (before !== undefined) this.stateIndex(event.kind, before.state).delete(key);
      this.stateIndex(event.kind, state).set(key, object);
    }
    object.state = state;
    object.progress = progress;
    object.lastEventId = event.id;
    if (event.object.metadata.deletionTimestamp) object.deletionStarted = true;
    const marker = progressMarker(event.kind, status);
    const markerMoved = object.marker !== marker;
    object.marker = marker;
    const changed =
      before === undefined ||
      before.state !== state ||
      before.progress !== progress ||
      markerMoved ||
      event.verb === 'DELETED';
    if (changed) {
      object.lastChangeT = event.t;
      object.lastChangeEventId = event.id;
    }
    if (event.verb === 'DELETED' && !object.deleted) {
      object.deleted = { eventId: event.id, t: event.t };
      this.liveOf(event.kind).delete(key);
      this.stateIndex(event.kind, state).delete(key);
      object.deletionStarted = true;
    }
    const leftWait =
      before?.state === 'CreatingBackingImageBackups' && state !== 'CreatingBackingImageBackups';
    if (event.kind === 'SystemBackup' && (leftWait || (state === 'Ready' && !object.waited))) {
      object.waited = this.snapshotWait(object, event.id);
    }
    if (object.finalEventId === undefined && isFinal(event.kind, state)) object.finalEventId = event.id;
    const succeeded =
      event.kind === 'SystemBackup'
        ? state === 'Ready'
        : state === 'Completed' && (progress === 100 || object.pulled);
    if (object.completedEventId === undefined && succeeded) {
      object.completedEventId = event.id;
      object.completedT = event.t;
    }
    return { event, object, ...(before ? { before } : {}), changed };
  }

  /** Objects of a kind that have not gone away. */
  live(kind: WatchedKind): Iterable<TrackedObject> {
    return this.liveOf(kind).values();
  }

  /**
   * Whether a SystemBackup waits on a BBI: Longhorn's system backup waits on the BBIs of target `default`
   * for the backing images that exist when it enters CreatingBackingImageBackups (docs/longhorn.md#systembackup-controller).
   * A simplification: later reconciles may add images created afterwards; we do not count those.
   */
  waitsOn(systemBackup: TrackedObject, bbi: TrackedObject): boolean {
    if ((bbi.target ?? 'default') !== 'default') return false;
    const images = systemBackup.waitsForImages;
    return images === undefined || (bbi.backingImage !== undefined && images.has(bbi.backingImage));
  }

  private snapshotWait(sb: TrackedObject, eventId: number): NonNullable<TrackedObject['waited']> {
    let count = 0;
    const unfinished: WaitedBbi[] = [];
    for (const bbi of this.live('BackupBackingImage')) {
      if (!this.waitsOn(sb, bbi)) continue;
      count++;
      if (bbi.completedEventId !== undefined && bbi.state === 'Completed') continue;
      unfinished.push({
        name: bbi.name,
        state: bbi.state,
        ...(bbi.progress === undefined ? {} : { progress: bbi.progress }),
        eventId: bbi.lastChangeEventId,
      });
    }
    return { count, unfinished, eventId };
  }

  /** Live objects of a kind in one state. */
  inState(kind: WatchedKind, state: string): Iterable<TrackedObject> {
    return this.stateIndex(kind, state).values();
  }

  private stateIndex(kind: WatchedKind, state: string): Map<string, TrackedObject> {
    const key = `${kind}/${state}`;
    let index = this.byState.get(key);
    if (!index) {
      index = new Map();
      this.byState.set(key, index);
    }
    return index;
  }

  /** BackupBackingImages for one backing image and target, in the order they first appeared. */
  backupsOfBackingImage(
    backingImage: string | undefined,
    target: string | undefined,
  ): readonly TrackedObject[] {
    return this.bySlot.get(ClusterView.slot(backingImage, target)) ?? [];
  }

  private static slot(backingImage: string | undefined, target: string | undefined): string {
    return `${backingImage ?? '?'}@${target ?? 'default'}`;
  }

  private liveOf(kind: WatchedKind): Map<string, TrackedObject> {
    let live = this.liveByKind.get(kind);
    if (!live) {
      live = new Map();
      this.liveByKind.set(kind, live);
    }
    return live;
  }

  private setBackingImage(
    object: TrackedObject,
    spec: Record<string, unknown>,
    labels: Record<string, string>,
    status: Record<string, unknown>,
  ): void {
    // Fixed at first sighting so the object stays in its slot; spec.backingImage is immutable in Longhorn.
    object.backingImage ??= str(spec.backingImage) ?? labels['backing-image'] ?? str(status.backingImage);
    object.target ??= labels['backup-target'] ?? str(spec.backupTargetName) ?? 'default';
  }

  /** Every object ever seen of a kind, including deleted ones. */
  *all(kind?: WatchedKind): Iterable<TrackedObject> {
    for (const o of this.objects.values()) if (kind === undefined || o.kind === kind) yield o;
  }
}
