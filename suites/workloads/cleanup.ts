// Removes every CR a run created: objects carrying the run label, plus the BackupBackingImages, Backups
// and BackupVolumes Longhorn made for the run's backing images and volumes. Waits for them to go; a
// finalizer nobody removes any more (the simulator already stopped) is stripped only when allowed.
import type { Clock } from '../../common/index.js';
import { DELETE_CR_ONLY_LABEL, type LonghornKind } from '../../fixtures/crds/index.js';
import type { AnyObject, LonghornClient } from './longhorn-client.js';
import { RUN_LABEL } from '../../record/index.js';

export interface CleanupOptions {
  client: LonghornClient;
  clock: Clock;
  runId: string;
  /** How long to wait for deletions to finish; default 30 s. */
  timeoutMs?: number;
  /** Strip finalizers of objects still present after the timeout (local environments only). */
  forceFinalizers?: boolean;
  /** Aborted (a second Ctrl-C): stop waiting for deletions; what is still there is forced or reported. */
  hurry?: AbortSignal;
}

export interface CleanupReport {
  deleted: string[];
  forced: string[];
  remaining: string[];
}

/** Order matters: system backups first (they wait on the rest), backing images last. */
const LABELLED_KINDS: LonghornKind[] = ['SystemBackup', 'Backup', 'Snapshot', 'Volume', 'BackingImage'];

async function runObjects(
  client: LonghornClient,
  runId: string,
): Promise<{ kind: LonghornKind; object: AnyObject }[]> {
  const selector = `${RUN_LABEL}=${runId}`;
  const found: { kind: LonghornKind; object: AnyObject }[] = [];
  const images = new Set<string>();
  const volumes = new Set<string>();
  for (const kind of LABELLED_KINDS) {
    for (const object of await client.list(kind, selector)) {
      found.push({ kind, object });
      if (kind === 'BackingImage') images.add(object.metadata.name);
      if (kind === 'Volume') volumes.add(object.metadata.name);
    }
  }
  for (const object of await client.list('BackupBackingImage')) {
    if (images.has(String(object.spec?.backingImage ?? '')))
      found.push({ kind: 'BackupBackingImage', object });
  }
  for (const object of await client.list('BackupVolume')) {
    const volume = String(object.spec?.volumeName ?? object.metadata.name);
    if (volumes.has(volume)) found.push({ kind: 'BackupVolume', object });
  }
  for (const object of await client.list('Backup')) {
    const volume = String(object.status?.volumeName ?? object.metadata.labels?.['backup-volume'] ?? '');
    if (volumes.has(volume) && !found.some((f) => f.object.metadata.name === object.metadata.name)) {
      found.push({ kind: 'Backup', object });
    }
  }
  return found;
}

const key = (kind: string, name: string) => `${kind}/${name}`;

export async function cleanupRun(options: CleanupOptions): Promise<CleanupReport> {
  const { client, clock, runId } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const targets = await runObjects(client, runId);
  const deleted: string[] = [];
  for (const { kind, object } of targets) {
    if (kind === 'BackupBackingImage' && object.metadata.labels?.[DELETE_CR_ONLY_LABEL] !== 'true') {
      // Only the CR goes: the store is the environment's, and a later run's sync must not trip over it.
      await client
        .mergePatch(kind, object.metadata.name, { metadata: { labels: { [DELETE_CR_ONLY_LABEL]: 'true' } } })
        .catch(() => undefined);
    }
    if (await client.delete(kind, object.metadata.name)) deleted.push(key(kind, object.metadata.name));
  }
  const deadline = clock.monotonic() + timeoutMs;
  let remaining = await stillThere(client, targets);
  while (remaining.length > 0 && clock.monotonic() < deadline && !options.hurry?.aborted) {
    await clock.sleep(Math.min(500, timeoutMs / 10));
    remaining = await stillThere(client, targets);
  }
  const forced: string[] = [];
  if (options.forceFinalizers) {
    for (const { kind, object } of remaining) {
      await client
        .mergePatch(kind, object.metadata.name, { metadata: { finalizers: null } })
        .catch(() => undefined);
      forced.push(key(kind, object.metadata.name));
    }
    remaining = await stillThere(client, remaining);
  }
  return { deleted, forced, remaining: remaining.map((r) => key(r.kind, r.object.metadata.name)) };
}

async function stillThere(
  client: LonghornClient,
  targets: { kind: LonghornKind; object: AnyObject }[],
): Promise<{ kind: LonghornKind; object: AnyObject }[]> {
  const left: { kind: LonghornKind; object: AnyObject }[] = [];
  for (const target of targets) {
    const current = await client.get(target.kind, target.object.metadata.name);
    if (current && current.metadata.uid === target.object.metadata.uid)
      left.push({ kind: target.kind, object: current });
  }
  return left;
}

/** Every object of the run still in the cluster (for tests and the post-flight check). */
export async function leftoversOf(client: LonghornClient, runId: string): Promise<string[]> {
  return (await runObjects(client, runId)).map((f) => key(f.kind, f.object.metadata.name));
}
