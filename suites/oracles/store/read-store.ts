// The store as it really is: reads MinIO directly (never through the fault proxy) and summarises what the
// dual-view checker needs: every backing-image.cfg with its CompleteTime, every system backup, the object
// count. Key layout as Longhorn's backupstore (docs/longhorn.md#layout): `<path>/backupstore/...`.
import { Client } from 'minio';
import { UsageError, type Clock } from '../../../common/index.js';
import type { StoreEvent } from '../../../record/index.js';

export interface StoreReadOptions {
  /** MinIO's own URL, e.g. http://127.0.0.1:9000 (not the proxy). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  /** Longhorn's backup target URL, `s3://<bucket>@<region>/<path>`; default `s3://<bucket>@<region>/backupstore`. */
  backupTargetURL?: string;
  /** Accepted so callers can pass their run context; the read itself needs no time. */
  clock?: Clock;
}

/** A `store` event without the fields the history stamps. */
export type StoreSnapshot = Omit<StoreEvent, 'id' | 't' | 'ts' | 'scenario' | 'type'>;

/** A MinIO client for the store itself (its own endpoint, never the proxy). */
export function storeClient(
  store: Pick<StoreReadOptions, 'endpoint' | 'accessKey' | 'secretKey' | 'region'>,
): Client {
  let url: URL;
  try {
    url = new URL(store.endpoint);
  } catch (error) {
    throw new UsageError(`store endpoint: not a URL: ${store.endpoint}`, { cause: error });
  }
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    useSSL: url.protocol === 'https:',
    accessKey: store.accessKey,
    secretKey: store.secretKey,
    region: store.region,
  });
}

/** Bucket and key prefix (ending in `backupstore/`) of an S3 backup target URL, parsed like Longhorn. */
export function parseBackupTargetURL(url: string): { bucket: string; region?: string; prefix: string } {
  const match = /^s3:\/\/([^@/]+)(?:@([^/]+))?(\/.*)?$/.exec(url);
  const bucket = match?.[1];
  if (!match || bucket === undefined)
    throw new UsageError(`backupTargetURL: expected s3://<bucket>@<region>/<path>, got ${url}`);
  const path = (match[3] ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return {
    bucket,
    ...(match[2] === undefined ? {} : { region: match[2] }),
    prefix: path === '' ? 'backupstore/' : `${path}/backupstore/`,
  };
}

interface BackingImageCfg {
  CompleteTime?: unknown;
  Size?: unknown;
  BlockCount?: unknown;
}

async function readText(client: Client, bucket: string, key: string): Promise<string> {
  const stream = await client.getObject(bucket, key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

export async function readStore(options: StoreReadOptions): Promise<StoreSnapshot> {
  const target = parseBackupTargetURL(
    options.backupTargetURL ?? `s3://${options.bucket}@${options.region}/backupstore`,
  );
  if (target.bucket !== options.bucket) {
    throw new UsageError(
      `backupTargetURL names bucket ${target.bucket}, but the store access is for bucket ${options.bucket}`,
    );
  }
  const client = storeClient(options);
  const cfgPattern = new RegExp(
    `^${escape(target.prefix)}backing-images/backing-images/([^/]+)/backing-image\\.cfg$`,
  );
  const systemBackupPattern = new RegExp(
    `^${escape(target.prefix)}system-backups/([^/]+)/([^/]+)/system-backup\\.(cfg|zip)$`,
  );
  const cfgKeys: { backingImage: string; key: string }[] = [];
  const systemBackups = new Map<string, StoreSnapshot['systemBackups'][number]>();
  let objectCount = 0;
  for await (const item of client.listObjectsV2(options.bucket, target.prefix, true)) {
    const key = (item as { name?: string }).name;
    if (key === undefined) continue;
    objectCount++;
    const [, backingImage] = cfgPattern.exec(key) ?? [];
    if (backingImage !== undefined) cfgKeys.push({ backingImage, key });
    const [, version, name, suffix] = systemBackupPattern.exec(key) ?? [];
    if (version !== undefined && name !== undefined) {
      const id = `${version}/${name}`;
      const entry = systemBackups.get(id) ?? { name, version, hasConfig: false, hasZip: false };
      if (suffix === 'cfg') entry.hasConfig = true;
      else entry.hasZip = true;
      systemBackups.set(id, entry);
    }
  }
  const backingImageConfigs: StoreSnapshot['backingImageConfigs'] = [];
  for (const { backingImage, key } of cfgKeys) {
    let parsed: BackingImageCfg = {};
    try {
      parsed = JSON.parse(await readText(client, options.bucket, key)) as BackingImageCfg;
    } catch {
      // Unreadable or half-written: as far as Longhorn can tell it is not complete, which is what we record.
    }
    backingImageConfigs.push({
      backingImage,
      key,
      completeTime: typeof parsed.CompleteTime === 'string' ? parsed.CompleteTime : '',
      ...(parsed.Size === undefined ? {} : { size: String(parsed.Size) }),
      ...(parsed.BlockCount === undefined ? {} : { blockCount: String(parsed.BlockCount) }),
    });
  }
  backingImageConfigs.sort((a, b) => a.backingImage.localeCompare(b.backingImage));
  return { backingImageConfigs, systemBackups: [...systemBackups.values()], objectCount };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
