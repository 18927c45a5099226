// Everything finishes: every BBI completes (benign) or at least ends final (destructive), every
// SystemBackup reaches Ready (benign), and after the faults are healed a new SystemBackup reaches Ready
// with all its BBIs Completed 100% (destructive). docs/design.md#invariants 2 and 4 and the destructive variants.
import type { HistoryEvent } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';
import type { ClusterView, TrackedObject } from './view.js';
import { describeState, isFinal, nameInMessage, subjectOf } from './view.js';

function scope(o: TrackedObject): Pick<Finding, 'subject' | 'iteration'> {
  return { subject: subjectOf(o), ...(o.iteration === undefined ? {} : { iteration: o.iteration }) };
}

/**
 * A BBI deleted before it finished is judged through its successor: a later BBI for the same backing image
 * and target (the race re-creates it; the race witness reports the deletion as a warning).
 */
function successorOf(bbi: TrackedObject, view: ClusterView): TrackedObject | undefined {
  if (!bbi.deleted) return undefined;
  const deletedAt = bbi.deleted.eventId;
  return view
    .backupsOfBackingImage(bbi.backingImage, bbi.target)
    .find((other) => other.firstEventId > deletedAt);
}

/** `bbi-completes` (mustComplete) or `bbi-ends-final`. */
export class BbiOutcome implements StreamingChecker {
  readonly names: readonly string[];
  readonly property = 'liveness';
  private readonly name: string;

  constructor(private readonly mustComplete: boolean) {
    this.name = mustComplete ? 'bbi-completes' : 'bbi-ends-final';
    this.names = [this.name];
  }

  finish({ view, endT }: FinishContext): Finding[] {
    const name = this.name;
    const findings: Finding[] = [];
    let count = 0;
    let superseded = 0;
    let firstT = endT;
    for (const bbi of view.all('BackupBackingImage')) {
      count++;
      firstT = Math.min(firstT, bbi.firstT);
      const fail = (message: string, evidence: number[]) =>
        findings.push({ name, valid: false, severity: 'error', message, evidence, ...scope(bbi) });
      const ok = this.mustComplete ? bbi.completedEventId !== undefined : bbi.finalEventId !== undefined;
      if (ok) continue;
      if (bbi.deleted) {
        if (successorOf(bbi, view)) {
          superseded++;
          continue;
        }
        fail(
          `${nameInMessage(bbi)} was deleted at ${describeState(bbi)} and no new BackupBackingImage for backing image ${bbi.backingImage ?? '?'} followed`,
          [bbi.lastChangeEventId, bbi.deleted.eventId],
        );
      } else if (this.mustComplete && bbi.state === 'Completed') {
        fail(`${nameInMessage(bbi)} is Completed with progress ${bbi.progress ?? 'unset'}, not 100`, [
          bbi.lastChangeEventId,
        ]);
      } else if (isFinal('BackupBackingImage', bbi.state)) {
        fail(`${nameInMessage(bbi)} ended in ${bbi.state} instead of Completed`, [bbi.lastChangeEventId]);
      } else {
        fail(`${nameInMessage(bbi)} was still ${describeState(bbi)} when the observation ended`, [
          bbi.lastChangeEventId,
        ]);
      }
    }
    if (findings.length > 0) return findings;
    if (count === 0) {
      return [
        {
          name,
          valid: 'unknown',
          severity: 'error',
          message: 'no BackupBackingImage was observed: nothing to judge',
          evidence: [],
        },
      ];
    }
    const outcome = this.mustComplete ? 'reached Completed 100%' : 'ended in a final state';
    return [
      {
        name,
        valid: true,
        severity: 'error',
        message: `all ${count - superseded} BackupBackingImages ${outcome}${superseded ? ` (${superseded} deleted unfinished and replaced by a new one)` : ''}`,
        evidence: [],
        window: { from: firstT, to: endT },
        kinds: ['BackupBackingImage'],
      },
    ];
  }
}

/**
 * `system-backup-ready`: every SystemBackup of the run reaches Ready. Whether it waited for its BBIs before
 * moving on is `system-backup-waits-for-bbis` (wait-honoured.ts), a safety check of every fault class.
 */
export class SystemBackupReady implements StreamingChecker {
  readonly names = ['system-backup-ready'];
  readonly property = 'liveness';

  finish({ view, endT }: FinishContext): Finding[] {
    const findings: Finding[] = [];
    let count = 0;
    let firstT = endT;
    for (const sb of view.all('SystemBackup')) {
      count++;
      firstT = Math.min(firstT, sb.firstT);
      if (sb.completedEventId !== undefined) continue;
      const how = sb.deleted
        ? `was deleted at ${describeState(sb)} before reaching Ready`
        : sb.state === 'Error'
          ? 'ended in Error'
          : `was still ${describeState(sb)} when the observation ended`;
      findings.push({
        name: 'system-backup-ready',
        valid: false,
        severity: 'error',
        message: `${subjectOf(sb)} ${how}`,
        evidence: [sb.lastChangeEventId, ...(sb.deleted ? [sb.deleted.eventId] : [])],
        ...scope(sb),
      });
    }
    if (findings.length > 0) return findings;
    if (count === 0) {
      return [
        {
          name: 'system-backup-ready',
          valid: 'unknown',
          severity: 'error',
          message: 'no SystemBackup was observed: nothing to judge',
          evidence: [],
        },
      ];
    }
    return [
      {
        name: 'system-backup-ready',
        valid: true,
        severity: 'error',
        message: `all ${count} SystemBackups reached Ready`,
        evidence: [],
        window: { from: firstT, to: endT },
        kinds: ['SystemBackup', 'BackupBackingImage'],
      },
    ];
  }
}

/**
 * `recovers-after-heal`: after the last `heal` phase (else `quiescence`), some SystemBackup first seen
 * afterwards reaches Ready, and every BBI of target `default` alive when it left CreatingBackingImageBackups
 * (its BBIs, see no-stuck-state) was Completed 100% then.
 */
export class RecoversAfterHeal implements StreamingChecker {
  readonly names = ['recovers-after-heal'];
  readonly property = 'liveness';
  private healT: number | undefined;
  private healEventId: number | undefined;
  private quiescence: { t: number; id: number } | undefined;

  observe(event: HistoryEvent): void {
    if (event.type === 'phase' && event.name === 'heal') {
      this.healT = event.t;
      this.healEventId = event.id;
    }
    if (event.type === 'phase' && event.name === 'quiescence') this.quiescence = { t: event.t, id: event.id };
  }

  finish({ view, endT }: FinishContext): Finding[] {
    const name = 'recovers-after-heal';
    const healT = this.healT ?? this.quiescence?.t;
    const healId = this.healEventId ?? this.quiescence?.id;
    if (healT === undefined || healId === undefined) {
      return [
        {
          name,
          valid: 'unknown',
          severity: 'error',
          message: 'no heal or quiescence phase was recorded: cannot judge recovery',
          evidence: [],
        },
      ];
    }
    const after = [...view.all('SystemBackup')].filter((sb) => sb.firstEventId > healId);
    if (after.length === 0) {
      return [
        {
          name,
          valid: 'unknown',
          severity: 'error',
          message: `no SystemBackup was created after the faults were healed (t=${healT})`,
          evidence: [healId],
        },
      ];
    }
    const problems: string[] = [];
    const evidence: number[] = [healId];
    for (const sb of after) {
      const unfinished = sb.waited?.unfinished ?? [];
      if (sb.completedEventId !== undefined && unfinished.length === 0) {
        return [
          {
            name,
            valid: true,
            severity: 'error',
            message: `after the heal, ${subjectOf(sb)} reached Ready with ${sb.waited?.count ?? 0} BackupBackingImage(s) Completed 100%`,
            evidence: [healId, sb.completedEventId],
            window: { from: healT, to: endT },
            kinds: ['SystemBackup', 'BackupBackingImage'],
            ...scope(sb),
          },
        ];
      }
      evidence.push(sb.lastChangeEventId, ...unfinished.map((b) => b.eventId));
      problems.push(
        sb.completedEventId === undefined
          ? `${subjectOf(sb)} ended ${describeState(sb)}${sb.deleted ? ' (deleted)' : ''}`
          : `${subjectOf(sb)} reached Ready while ${unfinished.map((b) => `${b.name} was ${describeState(b)}`).join(', ')}`,
      );
    }
    const lastSb = after[after.length - 1];
    return [
      {
        name,
        valid: false,
        severity: 'error',
        message: `no SystemBackup after the heal recovered: ${problems.join('; ')}`,
        evidence,
        ...(lastSb ? scope(lastSb) : {}),
      },
    ];
  }
}
