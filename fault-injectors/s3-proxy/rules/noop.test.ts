// The noop rule against real MinIO through the proxy: it counts what its selectors pick and changes
// nothing, so every request passes with the store's own answer.
import assert from 'node:assert/strict';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startMinio, type TestMinio } from '../../../test-support/minio.js';
import { startS3Proxy, type S3Proxy } from '../index.js';
import { s3Client, testBytes } from '../test-clients.js';

describe('s3-proxy noop rule', function () {
  let minio: TestMinio;
  let proxy: S3Proxy;
  let s3: S3Client;

  before(async function () {
    minio = await startMinio();
    proxy = await startS3Proxy({ upstream: minio.endpoint, seed: 1 });
    s3 = s3Client(proxy.dataUrl, minio);
  });
  after(async function () {
    s3?.destroy();
    await proxy?.close();
    await minio?.stop();
  });

  it('counts the requests it selects and passes them unchanged', async function () {
    await proxy.control.addRule({ type: 'noop', name: 'probe', match: { operations: ['GetObject'] } });
    const bytes = testBytes(256 * 1024, 5);
    await s3.send(new PutObjectCommand({ Bucket: minio.bucket, Key: 'obj', Body: bytes }));
    for (let i = 0; i < 3; i++) {
      const got = await s3.send(new GetObjectCommand({ Bucket: minio.bucket, Key: 'obj' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes));
    }
    const counters = (await proxy.control.metrics()).rules.find((r) => r.name === 'probe');
    assert.deepEqual([counters?.matched, counters?.applied], [3, 3]);
    const decisions = await proxy.control.decisions();
    assert.equal(decisions.length, 4);
    assert.ok(decisions.every((d) => d.action === 'pass' && d.rule === null && d.status === 200));
  });

  it('refuses fields it does not have, as every rule does', async function () {
    await assert.rejects(
      proxy.control.addRule({ type: 'noop', name: 'x', delayMs: 1 } as never),
      (e: Error & { field?: string }) => e.field === 'delayMs',
    );
  });
});
