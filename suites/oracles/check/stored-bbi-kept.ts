// stored-bbi-kept (safety, every fault class): a BackupBackingImage that reached Completed is not deleted
// CR-only (the BackupTarget sync's way) while its backing image's backup is in the store. A listing that
// fails must not read as an empty store (docs/longhorn.md#remote-listing: backupstore swallows the
// error and the sync then deletes every BBI of the target). Judged at the next `store` read: a complete
// backing-image.cfg there means the cluster dropped a valid backup.
//
// Not judged: deletions after the `teardown` phase or after the last store read (the runner's cleanup labels
// BBIs CR-only too, after the scenario's store read). Excused (a warning, like race-witness): a deletion
// right after a listing that really did not show that cfg, i.e. the last listing of the backing-image
// directory recorded before the deletion hid it (its decision's `hiddenKeys` name the cfg or its
// directory) and the rule that hid it was still armed. That is the #10740 race hitting a finished BBI.
// Every listing under a stale-listing rule is recorded (each is a `stale` decision, hiding something or
// not), so there the last recorded listing is the one the controller acted on; a listing that hid
// nothing under a visibility-lag rule alone is a `pass`, not recorded, but such a rule hides its cfg from
// every listing while it is armed.
import { DELETE_CR_ONLY_LABEL } from '../../../fixtures/crds/index.js';
import type { HistoryEvent, StoreEvent, WatchedKind } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import type { ObjectChange, TrackedObject } from './view.js';
import { subjectOf } from './view.js';

const NAME = 'stored-bbi-kept';
const KINDS: readonly WatchedKind[] = ['BackupBackingImage'];
/** A listed entry of one backing image: its cfg, or its directory (a CommonPrefix with delimiter `/`). */
const IMAGE_ENTRY = /backing-images\/backing-images\/([^/]+)\/(?:backing-image\.cfg)?$/;
/** A listing prefix that reaches into the backing-image directory; group 1: what it asks within it. */
const IMAGE_LISTING = /(?:^|\/)backing-images\/backing-images\/(.*)$/;
const LIST_OPS = new Set(['ListObjects', 'ListObjectsV2']);

interface Listing {
  eventId: number;
  /** Within the backing-image directory: the images whose cfg starts with it are covered. */
  within: string;
  /** Image -> the rule that hid it from this listing. */
  hidden: Map<string, string>;
}

interface Deletion {
  bbi: TrackedObject;
  eventId: number;
  completedEventId: number;
  /** The armed rule that hid the cfg from the listing before the deletion, and that listing's event. */
  hiddenBy?: { rule: string; eventId: number };
}

export class StoredBbiKept implements StreamingChecker {
  readonly names = [NAME];
  readonly property = 'safety';
  private readonly armed = new Set<string>();
  /** The last recorded listing per listing prefix (a handful of prefixes, so memory stays small). */
  private readonly listings = new Map<string, Listing>();
  private pending: Deletion[] = [];
  private readonly findings: Finding[] = [];
  private tornDown = false;
  private excused = 0;
  private firstT: number | undefined;
  private lastStoreT: number | undefined;

  observe(event: HistoryEvent, change: ObjectChange | undefined): void {
    if (event.type === 'phase' && event.name === 'teardown') this.tornDown = true;
    if (event.type === 'rule') {
      if (event.action === 'add' || event.action === 'update') this.armed.add(event.rule.name);
      else this.armed.delete(event.rule.name);
    }
    if (event.type === 'fault') this.noteListing(event.id, event.decision);
    if (event.type === 'store') this.judge(event);
    if (!change || change.object.kind !== 'BackupBackingImage' || this.tornDown) return;
    const { object } = change;
    this.firstT ??= event.t;
    if (change.event.verb !== 'DELETED' || object.labels[DELETE_CR_ONLY_LABEL] !== 'true') return;
    const completedEventId = object.completedEventId;
    if (completedEventId === undefined) return;
    const hiddenBy = this.excuse(object.backingImage);
    this.pending.push({
      bbi: object,
      eventId: change.event.id,
      completedEventId,
      ...(hiddenBy === undefined ? {} : { hiddenBy }),
    });
  }

  private noteListing(
    eventId: number,
    decision: { op: string; prefix?: string; rule: string | null; hiddenKeys?: string[] },
  ): void {
    if (!LIST_OPS.has(decision.op)) return;
    const within = IMAGE_LISTING.exec(decision.prefix ?? '')?.[1];
    if (within === undefined) return;
    const hidden = new Map<string, string>();
    for (const key of decision.hiddenKeys ?? []) {
      const image = IMAGE_ENTRY.exec(key)?.[1];
      if (image !== undefined && decision.rule) hidden.set(image, decision.rule);
    }
    this.listings.set(decision.prefix ?? '', { eventId, within, hidden });
  }

  /** The rule that hid the image's cfg from the last listing of it before now, if still armed. */
  private excuse(image: string | undefined): Deletion['hiddenBy'] {
    if (image === undefined) return undefined;
    let last: Listing | undefined;
    for (const listing of this.listings.values()) {
      if (!`${image}/backing-image.cfg`.startsWith(listing.within)) continue;
      if (!last || listing.eventId > last.eventId) last = listing;
    }
    const rule = last?.hidden.get(image);
    return last && rule !== undefined && this.armed.has(rule) ? { rule, eventId: last.eventId } : undefined;
  }

  private judge(store: StoreEvent): void {
    this.lastStoreT = store.t;
    const configs = new Map(store.backingImageConfigs.map((c) => [c.backingImage, c]));
    for (const d of this.pending) {
      const cfg = d.bbi.backingImage === undefined ? undefined : configs.get(d.bbi.backingImage);
      if (!cfg || cfg.completeTime === '') continue;
      if (d.hiddenBy !== undefined) this.excused++;
      const what = `${subjectOf(d.bbi)} was Completed and then deleted CR-only while ${cfg.key} was complete in the store`;
      this.findings.push({
        name: NAME,
        valid: false,
        severity: d.hiddenBy === undefined ? 'error' : 'warn',
        message:
          d.hiddenBy === undefined
            ? `${what}: the cluster lost track of a valid backup (a failed listing read as an empty store?)`
            : `${what}, but rule ${d.hiddenBy.rule} hid it from the listing before the deletion (event #${d.hiddenBy.eventId}): the deletion race hit a finished BBI`,
        evidence: [
          d.completedEventId,
          ...(d.hiddenBy === undefined ? [] : [d.hiddenBy.eventId]),
          d.eventId,
          store.id,
        ],
        subject: subjectOf(d.bbi),
        ...(d.bbi.iteration === undefined ? {} : { iteration: d.bbi.iteration }),
      });
    }
    this.pending = [];
  }

  finish({ endT }: FinishContext): Finding[] {
    const errors = this.findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) return this.findings;
    const first = this.pending[0];
    if (this.lastStoreT === undefined && first) {
      return [
        ...this.findings,
        {
          name: NAME,
          valid: 'unknown',
          severity: 'error',
          message: `no store read was recorded: cannot tell whether ${this.pending.length} Completed BackupBackingImage(s) deleted CR-only were still stored`,
          evidence: [first.completedEventId, first.eventId],
        },
      ];
    }
    return [
      ...this.findings,
      {
        name: NAME,
        valid: true,
        severity: 'error',
        message: `no Completed BackupBackingImage was deleted CR-only while its backup was complete in the store${this.excused ? ` (apart from ${this.excused} under a listing-hiding fault)` : ''}`,
        evidence: [],
        window: { from: this.firstT ?? endT, to: this.lastStoreT ?? endT },
        kinds: KINDS,
      },
    ];
  }
}
