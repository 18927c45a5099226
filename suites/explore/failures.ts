// Failures as signatures (failing check, subject kind, the subject's last state) and the small catalogue of
// known bugs that name theirs: the nightly explore gate fails on a known bug and reports anything else as
// an unknown finding to triage.
import type { HistoryEvent, Verdict } from '../../record/index.js';

export interface FailureSignature {
  check: string;
  /** `BackupBackingImage`, `SystemBackup`, ..., or `-` when the check is about no single object. */
  subjectKind: string;
  /** The subject's last observed state ('' is `new`), or `-`. */
  state: string;
}

export interface KnownBug {
  id: string;
  title: string;
  /** Any of these in a run is this bug. */
  signatures: FailureSignature[];
  /** These count as this bug only in a run that also shows one of `signatures` (consequences of it). */
  consequences?: FailureSignature[];
  /** Longhorn versions with the fix (the model: behaviours without the switch). */
  fixedIn?: string;
}

/** Known bugs by signature. Longhorn's own issue number where there is one. */
export const KNOWN_BUGS: KnownBug[] = [
  {
    id: 'longhorn#10740',
    title:
      'a BackupBackingImage re-created after the target sync deleted it finds backing-image.cfg already in the ' +
      'store and never reports progress: it stays InProgress 0% and its SystemBackup in CreatingBackingImageBackups',
    signatures: [{ check: 'no-stuck-state', subjectKind: 'BackupBackingImage', state: 'InProgress' }],
    consequences: [
      { check: 'no-stuck-state', subjectKind: 'SystemBackup', state: 'CreatingBackingImageBackups' },
      { check: 'bbi-completes', subjectKind: 'BackupBackingImage', state: 'InProgress' },
      { check: 'system-backup-ready', subjectKind: 'SystemBackup', state: 'CreatingBackingImageBackups' },
    ],
    fixedIn: 'v1.9.0',
  },
  {
    id: 'list-error-as-empty',
    title:
      'a failed listing of backing-images/backing-images/ is read as an empty store, and the target sync deletes ' +
      'Completed BackupBackingImages whose backup is in the store (Longhorn behaviour in every version modelled)',
    signatures: [{ check: 'stored-bbi-kept', subjectKind: 'BackupBackingImage', state: 'Completed' }],
  },
];

export const signatureKey = (s: FailureSignature): string => `${s.check} ${s.subjectKind} ${s.state}`;

/** A subject's state as of a history event id (its last state when no id is given); undefined if never seen. */
export type SubjectStates = (subject: string, atEvent?: number) => string | undefined;

/** Each subject's states over the history, to look up the state it was in when a check found a failure. */
export function subjectStates(events: Iterable<HistoryEvent>): SubjectStates {
  const timelines = new Map<string, { id: number; state: string }[]>();
  for (const event of events) {
    if (event.type !== 'watch' || event.verb === 'DELETED') continue;
    const state = event.object.status?.state;
    const subject = `${event.kind}/${event.name}`;
    let timeline = timelines.get(subject);
    if (!timeline) timelines.set(subject, (timeline = []));
    timeline.push({ id: event.id, state: typeof state === 'string' && state !== '' ? state : 'new' });
  }
  return (subject, atEvent) => {
    const timeline = timelines.get(subject);
    if (!timeline || timeline.length === 0) return undefined;
    if (atEvent === undefined) return timeline[timeline.length - 1]?.state;
    let found = timeline[0]?.state;
    for (const point of timeline) if (point.id <= atEvent) found = point.state;
    return found;
  };
}

/**
 * The failures of a verdict: every error check that is false, as signatures (distinct). The state is the
 * subject's state at the check's first evidence event: where a stuck object got stuck, not where it ended
 * after the heal (a BBI stuck InProgress that completes after the heal is an InProgress failure).
 */
export function failureSignatures(verdict: Verdict, states: SubjectStates): FailureSignature[] {
  const out = new Map<string, FailureSignature>();
  for (const check of verdict.checks) {
    if (check.valid !== false || check.severity !== 'error') continue;
    const subjectKind = check.subject?.split('/')[0] ?? '-';
    const first = check.evidence.length > 0 ? Math.min(...check.evidence) : undefined;
    const state = check.subject ? (states(check.subject, first) ?? '-') : '-';
    const signature = { check: check.name, subjectKind, state };
    out.set(signatureKey(signature), signature);
  }
  return [...out.values()];
}

const same = (a: FailureSignature, b: FailureSignature) =>
  a.check === b.check && a.subjectKind === b.subjectKind && a.state === b.state;

/** The known bug each of a run's failures is, or undefined for a new finding. */
export function classifyFailures(
  signatures: FailureSignature[],
  catalogue: KnownBug[] = KNOWN_BUGS,
): { signature: FailureSignature; knownBug?: string }[] {
  return signatures.map((signature) => {
    const bug = catalogue.find(
      (b) =>
        b.signatures.some((s) => same(s, signature)) ||
        (b.consequences?.some((s) => same(s, signature)) &&
          signatures.some((other) => b.signatures.some((s) => same(s, other)))),
    );
    return bug ? { signature, knownBug: bug.id } : { signature };
  });
}
