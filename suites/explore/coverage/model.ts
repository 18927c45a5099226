// The coverage model: a cell is (fault type × key class × state of the object the request was made for).
// Fault types are the proxy's decision actions; key classes are the parts of Longhorn's store layout
// behind #10740 (docs in suites/explore/README.md); object states are the BackupBackingImage's or the
// SystemBackup's, as the watch history saw them when the request reached the proxy.

/** Decision actions that count as faults. `hang` is left out: no schedule here uses it (README). */
export const FAULT_TYPES = [
  'delay',
  'throttle',
  'error',
  'reset',
  'hide',
  'unhide-deleted',
  'stale',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export const KEY_CLASSES = ['cfg', 'blocks', 'lock', 'system-backup-zip', 'volume-backup-cfg'] as const;
export type KeyClass = (typeof KEY_CLASSES)[number];

export type ObjectKind = 'BackupBackingImage' | 'SystemBackup';

/** Short labels for the kinds in cell ids and the heat map. */
export const KIND_LABEL: Record<ObjectKind, string> = { BackupBackingImage: 'BBI', SystemBackup: 'SB' };

/** A BBI's `status.state` (`new` for ''), and `none` when no BBI existed for the request. */
export const BBI_STATES = ['new', 'Pending', 'InProgress', 'Completed', 'Error', 'Unknown', 'none'] as const;
export const SYSTEM_BACKUP_STATES = [
  'new',
  'Syncing',
  'CreatingVolumeBackups',
  'CreatingBackingImageBackups',
  'Generating',
  'Uploading',
  'Ready',
  'Error',
  'Deleting',
  'none',
] as const;

/** Which object a key class's requests are made for. `lock` has both: the BACKINGIMAGE lock and volume locks. */
export const CLASS_OBJECTS: Record<KeyClass, ObjectKind[]> = {
  cfg: ['BackupBackingImage'],
  blocks: ['BackupBackingImage'],
  lock: ['BackupBackingImage', 'SystemBackup'],
  'system-backup-zip': ['SystemBackup'],
  'volume-backup-cfg': ['SystemBackup'],
};

export const STATES_OF: Record<ObjectKind, readonly string[]> = {
  BackupBackingImage: BBI_STATES,
  SystemBackup: SYSTEM_BACKUP_STATES,
};

/** `BBI:InProgress`, `SB:Uploading`. */
export const objectState = (kind: ObjectKind, state: string): string => `${KIND_LABEL[kind]}:${state}`;

/** The state label of a watched object: '' and a missing state are `new`. */
export function stateLabel(state: unknown): string {
  return typeof state === 'string' && state !== '' ? state : 'new';
}

export interface Cell {
  fault: FaultType;
  keyClass: KeyClass;
  /** `BBI:<state>` or `SB:<state>`. */
  state: string;
}

export const cellId = (cell: Cell): string => `${cell.fault}|${cell.keyClass}|${cell.state}`;

export function parseCellId(id: string): Cell {
  const [fault, keyClass, state] = id.split('|');
  return { fault: fault as FaultType, keyClass: keyClass as KeyClass, state: state ?? '' };
}

/** Every cell of the model, in a fixed order (fault, key class, object kind, state). */
export function allCells(): Cell[] {
  return FAULT_TYPES.flatMap((fault) =>
    KEY_CLASSES.flatMap((keyClass) =>
      CLASS_OBJECTS[keyClass].flatMap((kind) =>
        STATES_OF[kind].map((state) => ({ fault, keyClass, state: objectState(kind, state) })),
      ),
    ),
  );
}

/** What a key or a listing prefix is about: its class, and the object it names, when it names one. */
export interface KeyTarget {
  keyClass: KeyClass;
  kind: ObjectKind;
  /** A backing image (cfg) or a SystemBackup (zip) named by the key; absent: decided by time. */
  name?: string;
  listing: boolean;
}

const VOLUME_DIR = String.raw`/volumes/[0-9a-f]{2}/[0-9a-f]{2}/`;
const PATTERNS: { re: RegExp; target: (m: RegExpExecArray) => Omit<KeyTarget, 'listing'> }[] = [
  {
    re: /\/backing-images\/backing-images\/([^/]+)\/backing-image\.cfg$/,
    target: (m) => ({ keyClass: 'cfg', kind: 'BackupBackingImage', name: m[1] }),
  },
  {
    re: /\/backing-images\/backing-images\/(?:([^/]+)\/)?$/,
    target: (m) => ({ keyClass: 'cfg', kind: 'BackupBackingImage', ...(m[1] ? { name: m[1] } : {}) }),
  },
  { re: /\/backing-images\/blocks\//, target: () => ({ keyClass: 'blocks', kind: 'BackupBackingImage' }) },
  {
    re: new RegExp(`${VOLUME_DIR}BACKINGIMAGE/locks/`),
    target: () => ({ keyClass: 'lock', kind: 'BackupBackingImage' }),
  },
  { re: new RegExp(`${VOLUME_DIR}[^/]+/locks/`), target: () => ({ keyClass: 'lock', kind: 'SystemBackup' }) },
  {
    re: /\/system-backups\/[^/]+\/([^/]+)\/system-backup\.(?:zip|cfg)$/,
    target: (m) => ({ keyClass: 'system-backup-zip', kind: 'SystemBackup', name: m[1] }),
  },
  { re: /\/system-backups\//, target: () => ({ keyClass: 'system-backup-zip', kind: 'SystemBackup' }) },
  {
    re: new RegExp(`${VOLUME_DIR}[^/]+/(?:backups/.*|volume\\.cfg)$`),
    target: () => ({ keyClass: 'volume-backup-cfg', kind: 'SystemBackup' }),
  },
  // The target sync's walk of volumes/, volumes/<h>/, volumes/<h>/<h>/ and a volume's own folder.
  {
    re: /\/volumes\/(?:[0-9a-f]{2}\/(?:[0-9a-f]{2}\/(?:[^/]+\/)?)?)?$/,
    target: () => ({ keyClass: 'volume-backup-cfg', kind: 'SystemBackup' }),
  },
];

/** The class of a key (or of a listing prefix); undefined for keys outside the model (volume blocks, `backupstore/`). */
export function classifyKey(key: string, listing = false): KeyTarget | undefined {
  const path = key.startsWith('/') ? key : `/${key}`;
  for (const { re, target } of PATTERNS) {
    const m = re.exec(path);
    if (m && (listing || !path.endsWith('/'))) return { ...target(m), listing };
  }
  return undefined;
}

const LIST_OPS = new Set(['ListObjects', 'ListObjectsV2']);
const WRITE_OPS = new Set([
  'PutObject',
  'CopyObject',
  'CompleteMultipartUpload',
  'UploadPart',
  'CreateMultipartUpload',
]);
const READ_OPS = new Set(['GetObject', 'HeadObject']);
const DELETE_OPS = new Set(['DeleteObject', 'DeleteObjects']);

export const isListing = (op: string): boolean => LIST_OPS.has(op);

/**
 * The fault types that could have acted on a request of this operation (its opportunities): request
 * faults on any request; visibility lag on writes, hidden reads and listings; delete lag on deletes and
 * listings; stale answers on listings.
 */
export function faultsPossibleOn(op: string): FaultType[] {
  const out: FaultType[] = ['delay', 'throttle', 'error', 'reset'];
  if (WRITE_OPS.has(op) || READ_OPS.has(op) || LIST_OPS.has(op)) out.push('hide');
  if (DELETE_OPS.has(op) || LIST_OPS.has(op)) out.push('unhide-deleted');
  if (LIST_OPS.has(op)) out.push('stale');
  return out;
}

/** A decision action as a fault type of the model, or undefined (pass, upstream errors, hang). */
export function faultTypeOf(action: string): FaultType | undefined {
  return (FAULT_TYPES as readonly string[]).includes(action) ? (action as FaultType) : undefined;
}
