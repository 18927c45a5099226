// stored-bbi-kept (safety, every fault class): a BackupBackingImage that reached Completed is not deleted
// CR-only (the BackupTarget sync's way) while its backing image's backup is in the store. A listing that
// fails must not read as an empty store (docs/longhorn.md#remote-listing: backupstore swallows the
// error and the sync then deletes every BBI of the target). Judged against the next `store` read: a complete
// backing-image.cfg there means the cluster dropped a valid backup.
//
// The listing the sync acted on decides (docs/longhorn.md#backuptarget-controller: one listing of the
// backing-image directory, then the deletions). The record holds every such listing with what it showed
// and what a rule hid (`fault` events with `listed`, pass decisions included), timed by the proxy (`ts`
// at arrival, `durationMs` to the end of the answer). The acted-on listing is the last one answered before
// the first sign of the deletion (the CR-only label, the deletion timestamp, or the DELETED event):
// - it hid that image's cfg (its decision's `hiddenKeys` name the cfg or its directory): the #10740 race
//   hitting a finished BBI under a stale listing or a visibility lag, reported as a warning;
// - it failed (`listed: null`, an error status or refusal): a failed listing read as empty, false;
// - it simply lacked the cfg: the sync dropped a finished backup it could not have seen yet, false;
// - it showed the cfg, or no listing was recorded before the deletion, or an observer gap on
//   BackupBackingImages leaves several listings possible and they disagree: unknown.
// Fault events reach the history in batches, after the watch events they precede, so deletions are
// judged at the end, when every listing is in.
//
// Not judged: deletions after the `teardown` phase or after the last store read (the runner's cleanup labels
// BBIs CR-only too, after the scenario's store read).
import { DELETE_CR_ONLY_LABEL } from '../../../fixtures/crds/index.js';
import type { FaultEvent, HistoryEvent, StoreEvent, WatchedKind } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import type { ObjectChange, TrackedObject } from './view.js';
import { subjectOf } from './view.js';

const NAME = 'stored-bbi-kept';
const KINDS: readonly WatchedKind[] = ['BackupBackingImage'];
const LIST_OPS = new Set(['ListObjects', 'ListObjectsV2']);
/** A listing of the backing-image directory (docs/longhorn.md#layout). */
const IMAGE_LISTING = /backing-images\/backing-images\/?$/;
/** A hidden key of such a listing: an image's directory (delimiter listings) or a key under it. */
const IMAGE_ENTRY = /backing-images\/backing-images\/([^/]+)(?:\/|$)/;
const FAILED_ACTIONS = new Set(['error', 'reset', 'hang', 'upstream-error']);

interface Listing {
  eventId: number;
  /** Epoch ms when its answer ended: the sync can act on it from then on. */
  answeredTs: number;
  failed: boolean;
  listed: Set<string>;
  /** Image -> the rules that hid it from this answer. */
  hidden: Map<string, string[]>;
}

/** The first sign of a deletion the checker saw, and the last sighting of the BBI before it. */
interface Sign {
  eventId: number;
  t: number;
  ts: number;
  previousT: number;
}

interface Deletion {
  bbi: TrackedObject;
  eventId: number;
  completedEventId: number;
  sign: Sign;
}

interface Judged extends Deletion {
  store: StoreEvent;
  cfgKey: string;
}

type Outcome =
  | { kind: 'hidden'; listing: Listing; rules: string[] }
  | { kind: 'failed'; listing: Listing }
  | { kind: 'lacked'; listing: Listing }
  | { kind: 'showed'; listing: Listing }
  | { kind: 'none' }
  | { kind: 'ambiguous'; listings: Listing[] };

export class StoredBbiKept implements StreamingChecker {
  readonly names = [NAME];
  readonly property = 'safety';
  private readonly listings: Listing[] = [];
  private readonly seenListings = new Set<number>();
  /** Per BBI (view key): its first deletion sign, and when it was last seen. */
  private readonly signs = new Map<string, Sign>();
  private readonly lastSeenT = new Map<string, number>();
  private pending: Deletion[] = [];
  private readonly judged: Judged[] = [];
  private tornDown = false;
  private firstT: number | undefined;
  private lastStoreT: number | undefined;

  observe(event: HistoryEvent, change: ObjectChange | undefined): void {
    if (event.type === 'phase' && event.name === 'teardown') this.tornDown = true;
    if (event.type === 'fault') this.noteListing(event);
    if (event.type === 'store') this.judge(event);
    if (!change || change.object.kind !== 'BackupBackingImage' || this.tornDown) return;
    const { object } = change;
    this.firstT ??= event.t;
    const meta = change.event.object.metadata;
    const previousT = this.lastSeenT.get(object.key) ?? event.t;
    this.lastSeenT.set(object.key, event.t);
    const signed =
      change.event.verb === 'DELETED' ||
      meta.deletionTimestamp !== undefined ||
      meta.labels?.[DELETE_CR_ONLY_LABEL] === 'true';
    if (signed && !this.signs.has(object.key)) {
      this.signs.set(object.key, { eventId: event.id, t: event.t, ts: event.ts, previousT });
    }
    if (change.event.verb !== 'DELETED' || object.labels[DELETE_CR_ONLY_LABEL] !== 'true') return;
    const completedEventId = object.completedEventId;
    const sign = this.signs.get(object.key);
    if (completedEventId === undefined || !sign) return;
    this.pending.push({ bbi: object, eventId: change.event.id, completedEventId, sign });
  }

  private noteListing(event: FaultEvent): void {
    const d = event.decision;
    if (!LIST_OPS.has(d.op) || !IMAGE_LISTING.test(d.prefix ?? '') || this.seenListings.has(d.id)) return;
    // Only listings the proxy records (`listed`) say what the sync saw; an acting decision without it
    // comes from a proxy that records none, and stands for nothing here.
    if (d.listed === undefined) return;
    this.seenListings.add(d.id);
    const rules = Array.isArray(d.rules) ? d.rules.map(String) : d.rule ? [d.rule] : [];
    const hidden = new Map<string, string[]>();
    for (const key of d.hiddenKeys ?? []) {
      const image = IMAGE_ENTRY.exec(key)?.[1];
      if (image !== undefined) hidden.set(image, rules);
    }
    const failed =
      d.listed === null || FAILED_ACTIONS.has(d.action) || (d.status !== undefined && d.status >= 300);
    this.listings.push({
      eventId: event.id,
      answeredTs: d.ts + (d.durationMs ?? 0),
      failed,
      listed: new Set(d.listed ?? []),
      hidden,
    });
  }

  private judge(store: StoreEvent): void {
    this.lastStoreT = store.t;
    const configs = new Map(store.backingImageConfigs.map((c) => [c.backingImage, c]));
    for (const d of this.pending) {
      const cfg = d.bbi.backingImage === undefined ? undefined : configs.get(d.bbi.backingImage);
      if (!cfg || cfg.completeTime === '') continue;
      this.judged.push({ ...d, store, cfgKey: cfg.key });
    }
    this.pending = [];
  }

  /**
   * The listing the sync acted on: the last one answered before the deletion's first sign. When an observer
   * gap on BBIs lies between the BBI's last sighting and that sign, the deletion may have come from any
   * listing answered since the gap began (or the last one before it): they must agree.
   */
  private actedOn(d: Deletion, context: FinishContext): Outcome {
    const answered = [...this.listings].sort((a, b) => a.answeredTs - b.answeredTs);
    const before = answered.filter((l) => l.answeredTs <= d.sign.ts);
    const last = before[before.length - 1];
    if (!last) return { kind: 'none' };
    const gaps = context.gaps.overlapping(KINDS, d.sign.previousT, d.sign.t);
    const candidates =
      gaps.length === 0
        ? [last]
        : (() => {
            const fromTs = d.sign.ts - (d.sign.t - Math.min(...gaps.map((g) => g.from)));
            const inGap = before.filter((l) => l.answeredTs >= fromTs);
            const prior = before.filter((l) => l.answeredTs < fromTs).pop();
            return [...(prior ? [prior] : []), ...inGap];
          })();
    const outcomes = candidates.map((l) => this.outcomeOf(l, d.bbi.backingImage ?? ''));
    const kinds = new Set(outcomes.map((o) => o.kind));
    if (kinds.size === 1) return outcomes[outcomes.length - 1] as Outcome;
    return { kind: 'ambiguous', listings: candidates };
  }

  private outcomeOf(listing: Listing, image: string): Outcome {
    if (listing.failed) return { kind: 'failed', listing };
    const rules = listing.hidden.get(image);
    if (rules !== undefined) return { kind: 'hidden', listing, rules };
    if (listing.listed.has(image)) return { kind: 'showed', listing };
    return { kind: 'lacked', listing };
  }

  private finding(d: Judged, context: FinishContext): Finding {
    const outcome = this.actedOn(d, context);
    const what = `${subjectOf(d.bbi)} was Completed and then deleted CR-only while ${d.cfgKey} was complete in the store`;
    const listingIds =
      outcome.kind === 'none'
        ? []
        : outcome.kind === 'ambiguous'
          ? outcome.listings.map((l) => l.eventId)
          : [outcome.listing.eventId];
    const base = {
      name: NAME,
      evidence: [d.completedEventId, ...listingIds, d.eventId, d.store.id],
      subject: subjectOf(d.bbi),
      ...(d.bbi.iteration === undefined ? {} : { iteration: d.bbi.iteration }),
    };
    const at = (l: Listing) => `the listing of the backing-image directory it acted on (event #${l.eventId})`;
    switch (outcome.kind) {
      case 'hidden':
        return {
          ...base,
          valid: false,
          severity: 'warn',
          message: `${what}, but rule ${outcome.rules.join(', ') || '(unnamed)'} hid it from ${at(outcome.listing)}: the deletion race hit a finished BBI`,
        };
      case 'failed':
        return {
          ...base,
          valid: false,
          severity: 'error',
          message: `${what}: ${at(outcome.listing)} failed, and the failure was read as an empty store; the cluster lost track of a valid backup`,
        };
      case 'lacked':
        return {
          ...base,
          valid: false,
          severity: 'error',
          message: `${what}: ${at(outcome.listing)} lacked it with no rule hiding it (taken before the cfg existed), yet the sync deleted a finished BBI; the cluster lost track of a valid backup`,
        };
      case 'showed':
        return {
          ...base,
          valid: 'unknown',
          severity: 'error',
          message: `${what}; the last listing answered before the deletion (event #${outcome.listing.eventId}) showed it, so the listing the sync acted on is not the recorded one: cannot tell why it was deleted`,
        };
      case 'none':
        return {
          ...base,
          valid: 'unknown',
          severity: 'error',
          message: `${what}; no listing of the backing-image directory was recorded before the deletion: cannot tell whether it was hidden, failed or lacked the cfg`,
        };
      case 'ambiguous':
        return {
          ...base,
          valid: 'unknown',
          severity: 'error',
          message: `${what}; an observer gap on BackupBackingImages leaves listings ${outcome.listings.map((l) => `#${l.eventId}`).join(', ')} possible, and they disagree: cannot tell which one the sync acted on`,
        };
    }
  }

  finish(context: FinishContext): Finding[] {
    const findings = this.judged.map((d) => this.finding(d, context));
    const excused = findings.filter((f) => f.severity === 'warn').length;
    // Failures and undecided deletions stand for themselves: no "held" line beside them.
    if (findings.some((f) => f.severity === 'error')) return findings;
    const first = this.pending[0];
    if (this.lastStoreT === undefined && first) {
      return [
        ...findings,
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
      ...findings,
      {
        name: NAME,
        valid: true,
        severity: 'error',
        message: `no Completed BackupBackingImage was deleted CR-only while its backup was complete in the store${excused ? ` (apart from ${excused} after a listing that hid it)` : ''}`,
        evidence: [],
        window: { from: this.firstT ?? context.endT, to: this.lastStoreT ?? context.endT },
        kinds: KINDS,
      },
    ];
  }
}
