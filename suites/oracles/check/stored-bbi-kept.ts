// stored-bbi-kept (safety, every fault class): a BackupBackingImage that reached Completed is not deleted
// CR-only (the BackupTarget sync's way) while its backing image's backup is in the store. A listing that
// fails must not read as an empty store (docs/longhorn.md#remote-listing: backupstore swallows the
// error and the sync then deletes every BBI of the target). Judged at the next `store` read: a complete
// backing-image.cfg there means the cluster dropped a valid backup.
//
// Not judged: deletions after the `teardown` phase or after the last store read (the runner's cleanup labels
// BBIs CR-only too, after the scenario's store read), and deletions while the fault proxy hides that cfg
// from listings (a visibility-lag rule that hid it is still armed, or a stale-listing rule is armed): the
// listing then truly misses the cfg and the deletion is the #10740 race hitting a finished BBI, reported as
// a warning like race-witness.
import { DELETE_CR_ONLY_LABEL } from '../../../fixtures/crds/index.js';
import type { HistoryEvent, StoreEvent, WatchedKind } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import type { ObjectChange, TrackedObject } from './view.js';
import { subjectOf } from './view.js';

const NAME = 'stored-bbi-kept';
const KINDS: readonly WatchedKind[] = ['BackupBackingImage'];
const CFG_KEY = /backing-images\/backing-images\/([^/]+)\/backing-image\.cfg$/;

interface Deletion {
  bbi: TrackedObject;
  eventId: number;
  completedEventId: number;
  /** The armed rule that hid the cfg from listings at the deletion, if any. */
  hiddenBy?: string;
}

export class StoredBbiKept implements StreamingChecker {
  readonly names = [NAME];
  readonly property = 'safety';
  private readonly armed = new Map<string, string>();
  /** Per backing image, the listing-hiding rules that hid its cfg. */
  private readonly hiddenBy = new Map<string, Set<string>>();
  private pending: Deletion[] = [];
  private readonly findings: Finding[] = [];
  private tornDown = false;
  private excused = 0;
  private firstT: number | undefined;
  private lastStoreT: number | undefined;

  observe(event: HistoryEvent, change: ObjectChange | undefined): void {
    if (event.type === 'phase' && event.name === 'teardown') this.tornDown = true;
    if (event.type === 'rule') {
      if (event.action === 'add' || event.action === 'update')
        this.armed.set(event.rule.name, event.rule.type);
      else this.armed.delete(event.rule.name);
    }
    if (event.type === 'fault') this.noteHidden(event.decision);
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

  private noteHidden(decision: {
    key?: string;
    rule: string | null;
    action: string;
    hiddenKeys?: string[];
  }): void {
    if (!decision.rule || !['hide', 'stale'].includes(decision.action)) return;
    for (const key of [decision.key ?? '', ...(decision.hiddenKeys ?? [])]) {
      const image = CFG_KEY.exec(key)?.[1];
      if (!image) continue;
      const rules = this.hiddenBy.get(image) ?? new Set<string>();
      rules.add(decision.rule);
      this.hiddenBy.set(image, rules);
    }
  }

  private excuse(image: string | undefined): string | undefined {
    for (const [name, type] of this.armed) if (type === 'stale-listing') return name;
    const rules = image === undefined ? undefined : this.hiddenBy.get(image);
    return [...(rules ?? [])].find((r) => this.armed.has(r));
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
            : `${what}, but rule ${d.hiddenBy} hid it from listings then: the deletion race hit a finished BBI`,
        evidence: [d.completedEventId, d.eventId, store.id],
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
