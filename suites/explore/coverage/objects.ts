// The state of every BackupBackingImage and SystemBackup over time, from the watch history: what coverage
// asks "which object was this request made for, and in which state was it when the proxy saw it?".
// Times are epoch milliseconds (`ts`), the clock both the history and the proxy's decisions carry. A watch
// event is recorded when the observer receives it, a little after the change, so a request that raced a
// state change may be counted in the state before it.
import type { HistoryEvent } from '../../../record/index.js';
import { stateLabel, type ObjectKind } from './model.js';

interface Change {
  ts: number;
  state: string;
}

export interface TrackedObject {
  kind: ObjectKind;
  uid: string;
  name: string;
  /** BBIs: the backing image they back up. */
  backingImage?: string;
  firstTs: number;
  deletedTs?: number;
  changes: Change[];
}

const FINAL_BBI = new Set(['Completed', 'Error', 'Unknown']);

export class ObjectTimelines {
  private readonly byUid = new Map<string, TrackedObject>();

  /** Feeds one history event (only watch events of the two kinds matter). */
  observe(event: HistoryEvent): void {
    if (event.type !== 'watch') return;
    if (event.kind !== 'BackupBackingImage' && event.kind !== 'SystemBackup') return;
    const uid = event.uid ?? event.object.metadata.uid ?? `${event.kind}/${event.name}`;
    let tracked = this.byUid.get(uid);
    if (!tracked) {
      tracked = {
        kind: event.kind,
        uid,
        name: event.name,
        firstTs: event.ts,
        changes: [],
        ...(event.kind === 'BackupBackingImage'
          ? { backingImage: String(event.object.spec?.backingImage ?? '') }
          : {}),
      };
      this.byUid.set(uid, tracked);
    }
    if (event.verb === 'DELETED') {
      tracked.deletedTs = event.ts;
      return;
    }
    const state = stateLabel(event.object.status?.state);
    if (tracked.changes.at(-1)?.state !== state) tracked.changes.push({ ts: event.ts, state });
  }

  /** The objects of a kind that existed at `ts`. */
  aliveAt(kind: ObjectKind, ts: number): TrackedObject[] {
    return [...this.byUid.values()].filter(
      (o) => o.kind === kind && o.firstTs <= ts && (o.deletedTs === undefined || o.deletedTs > ts),
    );
  }

  stateAt(object: TrackedObject, ts: number): string {
    let state = object.changes[0]?.state ?? 'new';
    for (const change of object.changes) {
      if (change.ts > ts) break;
      state = change.state;
    }
    return state;
  }

  /**
   * The states of the objects a request was made for. Named requests (a backing image's cfg, a
   * SystemBackup's zip) belong to that object; BBI requests that name none (blocks, the BACKINGIMAGE lock,
   * a listing) to the BBIs still uploading, or else to every BBI alive; SystemBackup requests that name
   * none (volume backups, volume locks) to the SystemBackups alive. No such object: `none`.
   */
  statesFor(kind: ObjectKind, name: string | undefined, ts: number): string[] {
    let objects = this.aliveAt(kind, ts);
    if (name !== undefined) {
      objects = objects.filter((o) => (kind === 'BackupBackingImage' ? o.backingImage : o.name) === name);
    } else if (kind === 'BackupBackingImage') {
      const uploading = objects.filter((o) => !FINAL_BBI.has(this.stateAt(o, ts)));
      if (uploading.length > 0) objects = uploading;
    }
    if (objects.length === 0) return ['none'];
    return [...new Set(objects.map((o) => this.stateAt(o, ts)))];
  }
}
