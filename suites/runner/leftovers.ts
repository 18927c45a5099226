// Before a run on a reused environment (`--env-dir`, a cluster): what an earlier run with the same seed
// left there. Names come from the seed, so that run's objects have this run's names, and left in place
// they would make this run another one: a backing image whose backing-image.cfg is already stored skips
// its upload, stored blocks are not uploaded again (the pool is content-addressed), a CR of the same name
// cannot be created. They are exactly the objects named with the seed's tag (`-<tag>-`): removed here,
// the store directly in MinIO (never through the fault proxy), then the CRs, before the observer starts.
import type { Client } from 'minio';
import type { Clock } from '../../common/index.js';
import { parseBackupTargetURL, storeClient } from '../oracles/index.js';
import { cleanupNamed, type LonghornClient } from '../workloads/index.js';
import type { StoreAccess } from './target.js';

export interface LeftoverReport {
  /** Store keys removed (cfgs, blocks, volume backups, system backups). */
  storeKeys: number;
  /** CRs removed, as `Kind/name`. */
  resources: string[];
  /** CRs that could not be removed. */
  remaining: string[];
}

async function keysUnder(client: Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of client.listObjectsV2(bucket, prefix, true)) {
    if (typeof item.name === 'string') keys.push(item.name);
  }
  return keys;
}

async function readJson(client: Client, bucket: string, key: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of await client.getObject(bucket, key))
    chunks.push(Buffer.from(chunk as Uint8Array));
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined; // a cfg cut short by a killed run: its blocks are found by no list, and stay
  }
}

/** The store keys of objects named with `tag`, and the backing-image blocks their cfgs list. */
async function storedKeys(client: Client, store: StoreAccess, base: string, tag: string): Promise<string[]> {
  const imageKeys = await keysUnder(client, store.bucket, `${base}backing-images/backing-images/bi-${tag}-`);
  const blocks: string[] = [];
  for (const key of imageKeys.filter((k) => k.endsWith('/backing-image.cfg'))) {
    const cfg = (await readJson(client, store.bucket, key)) as { Blocks?: { BlockChecksum?: unknown }[] };
    for (const block of cfg?.Blocks ?? []) {
      const sum = String(block.BlockChecksum ?? '');
      if (/^[0-9a-f]{8,}$/.test(sum))
        blocks.push(`${base}backing-images/blocks/${sum.slice(0, 2)}/${sum.slice(2, 4)}/${sum}.blk`);
    }
  }
  const named = (segment: string) => (key: string) => key.includes(`/${segment}-${tag}-`);
  const volumes = (await keysUnder(client, store.bucket, `${base}volumes/`)).filter(named('vol'));
  const systemBackups = (await keysUnder(client, store.bucket, `${base}system-backups/`)).filter(named('sb'));
  return [...imageKeys, ...blocks, ...volumes, ...systemBackups];
}

export async function clearSeedLeftovers(options: {
  store: StoreAccess;
  backupTargetURL: string;
  client: LonghornClient;
  clock: Clock;
  nameTag: string;
  forceFinalizers: boolean;
}): Promise<LeftoverReport> {
  const { prefix } = parseBackupTargetURL(options.backupTargetURL);
  const minio = storeClient(options.store);
  const keys = await storedKeys(minio, options.store, prefix, options.nameTag);
  for (let i = 0; i < keys.length; i += 1000) {
    await minio.removeObjects(options.store.bucket, keys.slice(i, i + 1000));
  }
  const crs = await cleanupNamed({
    client: options.client,
    clock: options.clock,
    nameTag: options.nameTag,
    forceFinalizers: options.forceFinalizers,
  });
  return { storeKeys: keys.length, resources: crs.deleted, remaining: crs.remaining };
}
