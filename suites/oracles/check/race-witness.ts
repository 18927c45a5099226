// race-witness (warning, never failing): a BackupBackingImage deleted CR-only (label
// longhorn.io/delete-custom-resource-only=true) while ''/Pending/InProgress, followed by a new BBI for the
// same backing image and target: the #10740 deletion race happened (docs/longhorn.md#detecting-the-race).
import { DELETE_CR_ONLY_LABEL } from '../../../fixtures/crds/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import type { ObjectChange, TrackedObject } from './view.js';
import { describeState, subjectOf } from './view.js';

const NAME = 'race-witness';
const UNFINISHED = ['', 'Pending', 'InProgress'];

interface Deletion {
  object: TrackedObject;
  state: string;
  progress?: number;
  eventId: number;
}

export class RaceWitness implements StreamingChecker {
  readonly names = [NAME];
  // reports a deletion it saw
  readonly property = 'safety';
  /** Unfinished CR-only deletions waiting for a successor, by backing image and target. */
  private readonly waiting = new Map<string, Deletion>();
  private readonly seen = new Set<string>();
  private readonly findings: Finding[] = [];

  observe(_event: unknown, change: ObjectChange | undefined): void {
    if (!change || change.object.kind !== 'BackupBackingImage') return;
    const { object, event } = change;
    const slot = `${object.backingImage ?? '?'}@${object.target ?? 'default'}`;
    if (change.before === undefined) {
      const deletion = this.waiting.get(slot);
      if (deletion && deletion.object.key !== object.key) {
        this.waiting.delete(slot);
        this.findings.push(
          this.finding(deletion, `, then ${subjectOf(object)} was created for the same backing image`, [
            deletion.eventId,
            event.id,
          ]),
        );
      }
    }
    const deleting = event.verb === 'DELETED' || object.deletionStarted;
    if (!deleting || this.seen.has(object.key) || object.labels[DELETE_CR_ONLY_LABEL] !== 'true') return;
    // The state it was in when the deletion began: a DELETED event carries the last status.
    const state = change.before?.state ?? object.state;
    if (!UNFINISHED.includes(state)) return;
    this.seen.add(object.key);
    const progress = change.before ? change.before.progress : object.progress;
    this.waiting.set(slot, {
      object,
      state,
      ...(progress === undefined ? {} : { progress }),
      eventId: event.id,
    });
  }

  finish(_context: FinishContext): Finding[] {
    const unfollowed = [...this.waiting.values()].map((d) =>
      this.finding(d, ' and no new BackupBackingImage for that backing image followed (yet)', [d.eventId]),
    );
    const findings = [...this.findings, ...unfollowed];
    if (findings.length > 0) return findings;
    return [
      {
        name: NAME,
        valid: true,
        severity: 'warn',
        message: 'no BackupBackingImage was deleted CR-only while unfinished',
        evidence: [],
      },
    ];
  }

  private finding(d: Deletion, rest: string, evidence: number[]): Finding {
    return {
      name: NAME,
      valid: false,
      severity: 'warn',
      message: `${subjectOf(d.object)} (backing image ${d.object.backingImage ?? '?'}) was deleted CR-only while ${describeState(d)}${rest}`,
      evidence,
      subject: subjectOf(d.object),
      ...(d.object.iteration === undefined ? {} : { iteration: d.object.iteration }),
    };
  }
}
