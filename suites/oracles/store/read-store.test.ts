import assert from 'node:assert/strict';
import { Client } from 'minio';
import { startMinio, type TestMinio } from '../../../test-support/minio.js';
import { parseBackupTargetURL, readStore } from './read-store.js';

describe('readStore (real MinIO)', function () {
  this.timeout(60_000);
  let minio: TestMinio | undefined;

  before(async () => {
    minio = await startMinio({ bucket: 'backupbucket' });
  });
  after(async () => {
    await minio?.stop();
  });

  it('parses backup target URLs like Longhorn', () => {
    assert.deepEqual(parseBackupTargetURL('s3://backupbucket@us-east-1/backupstore'), {
      bucket: 'backupbucket',
      region: 'us-east-1',
      prefix: 'backupstore/backupstore/',
    });
    assert.deepEqual(parseBackupTargetURL('s3://b/'), { bucket: 'b', prefix: 'backupstore/' });
    assert.throws(() => parseBackupTargetURL('nfs://host:/x'), /backupTargetURL/);
  });

  it('lists backing-image cfgs with their CompleteTime, system backups and the object count', async () => {
    const m = minio!;
    const url = new URL(m.endpoint);
    const client = new Client({
      endPoint: url.hostname,
      port: Number(url.port),
      useSSL: false,
      accessKey: m.accessKey,
      secretKey: m.secretKey,
      region: m.region,
    });
    const base = 'backupstore/backupstore';
    const put = (key: string, body: string) => client.putObject(m.bucket, key, Buffer.from(body));
    await put(
      `${base}/backing-images/backing-images/bi-1/backing-image.cfg`,
      JSON.stringify({
        Name: 'bi-1',
        Size: '1161728',
        BlockCount: '1',
        CompleteTime: '2026-01-01T00:00:12Z',
      }),
    );
    await put(
      `${base}/backing-images/backing-images/bi-2/backing-image.cfg`,
      JSON.stringify({ Name: 'bi-2', Size: '2097152', CompleteTime: '' }),
    );
    await put(`${base}/backing-images/backing-images/bi-3/backing-image.cfg`, '{"Name": "bi-3", "Si');
    await put(`${base}/backing-images/blocks/ab/cd/abcd.blk`, 'block');
    await put(`${base}/system-backups/v1.8.1/sb-1/system-backup.cfg`, '{}');
    await put(`${base}/system-backups/v1.8.1/sb-1/system-backup.zip`, 'zip');
    await put(`${base}/system-backups/v1.8.1/sb-2/system-backup.cfg`, '{}');
    await put('elsewhere/backupstore/backing-images/backing-images/bi-9/backing-image.cfg', '{}');

    const store = await readStore({ ...m, backupTargetURL: `s3://${m.bucket}@${m.region}/backupstore` });
    assert.deepEqual(store.backingImageConfigs, [
      {
        backingImage: 'bi-1',
        key: `${base}/backing-images/backing-images/bi-1/backing-image.cfg`,
        completeTime: '2026-01-01T00:00:12Z',
        size: '1161728',
        blockCount: '1',
      },
      {
        backingImage: 'bi-2',
        key: `${base}/backing-images/backing-images/bi-2/backing-image.cfg`,
        completeTime: '',
        size: '2097152',
      },
      {
        backingImage: 'bi-3',
        key: `${base}/backing-images/backing-images/bi-3/backing-image.cfg`,
        completeTime: '',
      },
    ]);
    assert.deepEqual(
      store.systemBackups.sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'sb-1', version: 'v1.8.1', hasConfig: true, hasZip: true },
        { name: 'sb-2', version: 'v1.8.1', hasConfig: true, hasZip: false },
      ],
    );
    assert.equal(store.objectCount, 7);
    await assert.rejects(
      readStore({ ...m, backupTargetURL: 's3://otherbucket@us-east-1/backupstore' }),
      /names bucket otherbucket/,
    );
  });
});
