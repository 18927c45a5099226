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

/** Each subject's last state before its deletion, from the history. */
export function lastStates(events: Iterable<HistoryEvent>): Map<string, string> {
  const states = new Map<string, string>();
  for (const event of events) {
    if (event.type !== 'watch' || event.verb === 'DELETED') continue;
    const state = event.object.status?.state;
    states.set(`${event.kind}/${event.name}`, typeof state === 'string' && state !== '' ? state : 'new');
  }
  return states;
}

/** The failures of a verdict: every error check that is false, as signatures (distinct). */
export function failureSignatures(verdict: Verdict, states: ReadonlyMap<string, string>): FailureSignature[] {
  const out = new Map<string, FailureSignature>();
  for (const check of verdict.checks) {
    if (check.valid !== false || check.severity !== 'error') continue;
    const subjectKind = check.subject?.split('/')[0] ?? '-';
    const state = check.subject ? (states.get(check.subject) ?? '-') : '-';
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
