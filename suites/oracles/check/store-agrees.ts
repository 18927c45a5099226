// store-agrees, the dual view (docs/design.md#invariants, 5): every BackupBackingImage the cluster calls
// Completed has a complete backing-image.cfg (non-empty CompleteTime) in the store as read directly from
// MinIO after quiescence. Judged against the last `store` event; none recorded means unknown.
import { DELETE_CR_ONLY_LABEL } from '../../../fixtures/crds/index.js';
import type { HistoryEvent, StoreEvent } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import { subjectOf } from './view.js';

const NAME = 'store-agrees';

export class StoreAgrees implements StreamingChecker {
  readonly names = [NAME];
  readonly property = 'safety';
  private store: StoreEvent | undefined;

  observe(event: HistoryEvent): void {
    if (event.type === 'store') this.store = event;
  }

  finish({ view }: FinishContext): Finding[] {
    const store = this.store;
    if (!store) {
      return [
        {
          name: NAME,
          valid: 'unknown',
          severity: 'error',
          message: 'no store read was recorded: the cluster cannot be compared with the store',
          evidence: [],
        },
      ];
    }
    const configs = new Map(store.backingImageConfigs.map((c) => [c.backingImage, c]));
    const findings: Finding[] = [];
    let checked = 0;
    for (const bbi of view.all('BackupBackingImage')) {
      if (bbi.completedEventId === undefined || bbi.completedT === undefined) continue;
      // A BBI deleted with its remote data (no CR-only label) before the read may rightly have no cfg.
      if (bbi.deleted && bbi.deleted.t <= store.t && bbi.labels[DELETE_CR_ONLY_LABEL] !== 'true') continue;
      checked++;
      const scope = {
        subject: subjectOf(bbi),
        ...(bbi.iteration === undefined ? {} : { iteration: bbi.iteration }),
      };
      const evidence = [bbi.completedEventId, store.id];
      if (bbi.completedT > store.t) {
        findings.push({
          name: NAME,
          valid: 'unknown',
          severity: 'error',
          message: `${subjectOf(bbi)} completed after the last store read (t=${store.t})`,
          evidence,
          ...scope,
        });
        continue;
      }
      const cfg = bbi.backingImage === undefined ? undefined : configs.get(bbi.backingImage);
      if (!cfg) {
        findings.push({
          name: NAME,
          valid: false,
          severity: 'error',
          message: `${subjectOf(bbi)} is Completed but the store has no backing-image.cfg for backing image ${bbi.backingImage ?? '?'}`,
          evidence,
          ...scope,
        });
      } else if (cfg.completeTime === '') {
        findings.push({
          name: NAME,
          valid: false,
          severity: 'error',
          message: `${subjectOf(bbi)} is Completed but ${cfg.key} in the store is still in progress (empty CompleteTime)`,
          evidence,
          ...scope,
        });
      }
    }
    if (findings.length > 0) return findings;
    return [
      {
        name: NAME,
        valid: true,
        severity: 'error',
        message: `all ${checked} Completed BackupBackingImages have a complete backing-image.cfg in the store`,
        evidence: [store.id],
      },
    ];
  }
}
