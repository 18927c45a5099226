// Removes every CR a run created: objects carrying the run label (or, for an earlier run's leftovers, the
// seed's tag in their names), plus the BackupBackingImages, Backups, BackupVolumes and Snapshots Longhorn
// made for the run's backing images and volumes. Waits for them to go; a
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

/** The objects a run made: by its run label, or (an earlier run's leftovers) by the tag in their names. */
type Owner = { runId: string } | { nameTag: string };

async function ownedObjects(
  client: LonghornClient,
  owner: Owner,
): Promise<{ kind: LonghornKind; object: AnyObject }[]> {
  const selector = 'runId' in owner ? `${RUN_LABEL}=${owner.runId}` : undefined;
  const named = (name: string) => 'nameTag' in owner && name.includes(`-${owner.nameTag}-`);
  const found: { kind: LonghornKind; object: AnyObject }[] = [];
  const images = new Set<string>();
  const volumes = new Set<string>();
  for (const kind of LABELLED_KINDS) {
    for (const object of await client.list(kind, selector)) {
      if (selector === undefined && !named(object.metadata.name)) continue;
      found.push({ kind, object });
      if (kind === 'BackingImage') images.add(object.metadata.name);
      if (kind === 'Volume') volumes.add(object.metadata.name);
    }
  }
  for (const object of await client.list('BackupBackingImage')) {
    const image = String(object.spec?.backingImage ?? '');
    if (images.has(image) || named(image)) found.push({ kind: 'BackupBackingImage', object });
  }
  for (const object of await client.list('BackupVolume')) {
    const volume = String(object.spec?.volumeName ?? object.metadata.name);
    if (volumes.has(volume) || named(volume)) found.push({ kind: 'BackupVolume', object });
  }
  for (const object of await client.list('Backup')) {
    const volume = String(object.status?.volumeName ?? object.metadata.labels?.['backup-volume'] ?? '');
    const ours = volumes.has(volume) || named(volume);
    if (ours && !found.some((f) => f.object.metadata.name === object.metadata.name)) {
      found.push({ kind: 'Backup', object });
    }
  }
  // Longhorn's own snapshots of the run's volumes (a system backup takes one per volume) carry no run label;
  // left behind, a later run with the same seed on the same environment trips over their names.
  for (const object of await client.list('Snapshot')) {
    const volume = String(object.spec?.volume ?? object.metadata.labels?.['longhornvolume'] ?? '');
    const name = object.metadata.name;
    const ours = volumes.has(volume) || named(volume);
    if (ours && !found.some((f) => f.kind === 'Snapshot' && f.object.metadata.name === name))
      found.push({ kind: 'Snapshot', object });
  }
  return found;
}

const key = (kind: string, name: string) => `${kind}/${name}`;

export async function cleanupRun(options: CleanupOptions): Promise<CleanupReport> {
  return removeObjects(options, await ownedObjects(options.client, { runId: options.runId }));
}

/**
 * Removes every CR whose name carries `nameTag` (names come from the seed, so these are what an earlier
 * run of the same seed left behind, e.g. one that was killed), and what Longhorn made for them.
 */
export async function cleanupNamed(
  options: Omit<CleanupOptions, 'runId'> & { nameTag: string },
): Promise<CleanupReport> {
  return removeObjects(options, await ownedObjects(options.client, { nameTag: options.nameTag }));
}

async function removeObjects(
  options: Omit<CleanupOptions, 'runId'>,
  targets: { kind: LonghornKind; object: AnyObject }[],
): Promise<CleanupReport> {
  const { client, clock } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
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
  return (await ownedObjects(client, { runId })).map((f) => key(f.kind, f.object.metadata.name));
}
