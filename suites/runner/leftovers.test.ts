// Leftovers of an earlier run with the same seed on a reused environment: removed from the store (cfgs,
// the blocks they list, volume and system backups) and the cluster, and nothing of another seed's run.
// Real MinIO and the real API server.
import assert from 'node:assert/strict';
import { Client } from 'minio';
import { systemClock } from '../../common/index.js';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import { LonghornClient, nameTag } from '../workloads/index.js';
import { clearSeedLeftovers } from './leftovers.js';

describe('clearSeedLeftovers', function () {
  this.timeout(120_000);
  const environment = useLocalEnvironment();

  it("removes the same seed's objects from the store and the cluster, and nothing else", async () => {
    const { env } = environment();
    const url = new URL(env.s3.endpoint);
    const minio = new Client({
      endPoint: url.hostname,
      port: Number(url.port),
      useSSL: false,
      accessKey: env.s3.accessKey,
      secretKey: env.s3.secretKey,
      region: env.s3.region,
    });
    const mine = nameTag(11);
    const other = nameTag(12);
    const base = 'backupstore/backupstore';
    const block = (sum: string) =>
      `${base}/backing-images/blocks/${sum.slice(0, 2)}/${sum.slice(2, 4)}/${sum}.blk`;
    const cfg = (tag: string, sum: string) => ({
      key: `${base}/backing-images/backing-images/bi-${tag}-0-1-0/backing-image.cfg`,
      body: JSON.stringify({
        Name: `bi-${tag}-0-1-0`,
        CompleteTime: '',
        Blocks: [{ Offset: 0, BlockChecksum: sum }],
      }),
    });
    const mineSum = 'aa'.repeat(32);
    const otherSum = 'bb'.repeat(32);
    const objects: Record<string, string> = {
      [cfg(mine, mineSum).key]: cfg(mine, mineSum).body,
      [block(mineSum)]: 'block',
      [`${base}/volumes/12/34/vol-${mine}-0-1-0-0/volume.cfg`]: '{}',
      [`${base}/system-backups/v1.8.1/sb-${mine}-0-1/system-backup.cfg`]: '{}',
      [cfg(other, otherSum).key]: cfg(other, otherSum).body,
      [block(otherSum)]: 'block',
      [`${base}/volumes/56/78/vol-${other}-0-1-0-0/volume.cfg`]: '{}',
      [`${base}/system-backups/v1.8.1/sb-${other}-0-1/system-backup.cfg`]: '{}',
    };
    for (const [key, body] of Object.entries(objects))
      await minio.putObject(env.s3.bucket, key, Buffer.from(body));

    const client = new LonghornClient(environment.kubeConfig(), env.namespace);
    for (const tag of [mine, other]) {
      await client.create('BackingImage', {
        metadata: { name: `bi-${tag}-0-1-0` },
        spec: {
          sourceType: 'download',
          sourceParameters: { url: 'http://x.invalid/' },
          minNumberOfCopies: 1,
        },
      });
      // What a BackupTarget sync pulls from the store: named after nothing of ours but its backing image.
      await client.create('BackupBackingImage', {
        metadata: { name: `bbi-pulled-${tag}` },
        spec: { backingImage: `bi-${tag}-0-1-0`, userCreated: false },
      });
    }

    const report = await clearSeedLeftovers({
      store: env.s3,
      backupTargetURL: env.backupTargetURL,
      client,
      clock: systemClock,
      nameTag: mine,
      forceFinalizers: true,
    });

    const left: string[] = [];
    for await (const item of minio.listObjectsV2(env.s3.bucket, 'backupstore/', true)) left.push(item.name!);
    assert.deepEqual(
      left.sort(),
      Object.keys(objects)
        .filter((k) => k.includes(other) || k === block(otherSum))
        .sort(),
    );
    assert.equal(report.storeKeys, 4);
    assert.deepEqual(report.resources.sort(), [
      `BackingImage/bi-${mine}-0-1-0`,
      `BackupBackingImage/bbi-pulled-${mine}`,
    ]);
    assert.deepEqual(report.remaining, []);
    assert.ok(await client.get('BackingImage', `bi-${other}-0-1-0`), "another seed's image stays");
    assert.ok(await client.get('BackupBackingImage', `bbi-pulled-${other}`));
  });
});
