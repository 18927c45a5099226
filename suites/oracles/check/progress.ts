// progress-monotonic: the progress of each BackupBackingImage and each volume Backup never decreases and
// stays within 0..100 (docs/design.md#invariants, 3). Keyed on uid: a re-created object starts again from 0.
import type { WatchedKind } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import type { ObjectChange } from './view.js';
import { subjectOf } from './view.js';

const NAME = 'progress-monotonic';
const KINDS: readonly WatchedKind[] = ['BackupBackingImage', 'Backup'];

export class ProgressMonotonic implements StreamingChecker {
  readonly names = [NAME];
  readonly property = 'safety';
  private readonly last = new Map<string, { progress: number; eventId: number }>();
  private readonly violated = new Set<string>();
  private readonly findings: Finding[] = [];
  private count = 0;
  private firstT: number | undefined;

  observe(_event: unknown, change: ObjectChange | undefined): void {
    if (!change || !KINDS.includes(change.object.kind)) return;
    const { object, event } = change;
    this.firstT ??= event.t;
    const progress = object.progress;
    if (progress === undefined || this.violated.has(object.key)) return;
    const previous = this.last.get(object.key);
    if (!previous) this.count++;
    const scope = {
      subject: subjectOf(object),
      ...(object.iteration === undefined ? {} : { iteration: object.iteration }),
    };
    if (progress < 0 || progress > 100 || !Number.isFinite(progress)) {
      this.violated.add(object.key);
      this.findings.push({
        name: NAME,
        valid: false,
        severity: 'error',
        message: `${subjectOf(object)} reported progress ${progress}, outside 0..100`,
        evidence: [event.id],
        ...scope,
      });
    } else if (previous && progress < previous.progress) {
      this.violated.add(object.key);
      this.findings.push({
        name: NAME,
        valid: false,
        severity: 'error',
        message: `${subjectOf(object)} progress went back from ${previous.progress}% to ${progress}%`,
        evidence: [previous.eventId, event.id],
        ...scope,
      });
    }
    this.last.set(object.key, { progress, eventId: event.id });
  }

  finish({ endT }: FinishContext): Finding[] {
    if (this.findings.length > 0) return this.findings;
    return [
      {
        name: NAME,
        valid: true,
        severity: 'error',
        message: `progress of ${this.count} BackupBackingImages and Backups never decreased and stayed within 0..100`,
        evidence: [],
        window: { from: this.firstT ?? endT, to: endT },
        kinds: KINDS,
      },
    ];
  }
}
