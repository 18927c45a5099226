// Bytes through the proxy are the bytes in the store: 0 B to 64 MiB, single PUT, aws-chunked streaming and
// multipart, with the AWS SDK v3 and minio-js, while a rule of every type is active; plus concurrent clients.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startMinio, type TestMinio } from '../../test-support/minio.js';
import { startS3Proxy, type RuleSpec, type S3Proxy } from '../index.js';
import { minioClient, readAll, s3Client, testBytes } from './test-clients.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One active rule of every type, none of which may change a byte. */
const everyRuleType: RuleSpec[] = [
  { type: 'latency', name: 'lat', delayMs: 2, jitterMs: 2 },
  { type: 'latency', name: 'lat-response', delayMs: 1, phase: 'response' },
  { type: 'throttle', name: 'thr', bytesPerSecond: 1024 * MiB },
  { type: 'visibility-lag', name: 'vis', durationMs: 60_000 },
  { type: 'delete-lag', name: 'del', durationMs: 60_000 },
  { type: 'stale-listing', name: 'stale', ageMs: 60_000 },
  // Active, but only on keys this test never writes: a refused request never reaches the store.
  { type: 'error', name: 'err', code: 'InternalError', match: { key: 'refused/**' } },
];

describe('s3-proxy data integrity', function () {
  let minio: TestMinio;
  let proxy: S3Proxy;
  let viaProxy: S3Client;
  let direct: S3Client;

  before(async function () {
    minio = await startMinio();
    proxy = await startS3Proxy({ upstream: minio.endpoint, seed: 7, rules: everyRuleType });
    viaProxy = s3Client(proxy.dataUrl, minio);
    direct = s3Client(minio.endpoint, minio);
  });
  after(async function () {
    viaProxy?.destroy();
    direct?.destroy();
    await proxy?.close();
    await minio?.stop();
  });

  async function assertStored(key: string, expected: Buffer): Promise<void> {
    const stored = await readAll(
      (await direct.send(new GetObjectCommand({ Bucket: minio.bucket, Key: key }))).Body as Readable,
    );
    assert.equal(sha(stored), sha(expected), `bytes in the store for ${key}`);
    const read = await readAll(
      (await viaProxy.send(new GetObjectCommand({ Bucket: minio.bucket, Key: key }))).Body as Readable,
    );
    assert.equal(read.length, expected.length);
    assert.equal(sha(read), sha(expected), `bytes read through the proxy for ${key}`);
  }

  for (const size of [0, 1, 1 * MiB + 7, 8 * MiB]) {
    it(`AWS SDK PutObject of ${size} B (buffer) and aws-chunked stream`, async function () {
      const data = testBytes(size, size);
      await viaProxy.send(new PutObjectCommand({ Bucket: minio.bucket, Key: `sdk/buf-${size}`, Body: data }));
      await assertStored(`sdk/buf-${size}`, data);
      // A stream body makes the SDK send an aws-chunked body with a trailing checksum.
      await viaProxy.send(
        new PutObjectCommand({
          Bucket: minio.bucket,
          Key: `sdk/stream-${size}`,
          Body: Readable.from([data]),
          ContentLength: size,
        }),
      );
      await assertStored(`sdk/stream-${size}`, data);
    });
  }

  it('AWS SDK multipart upload of 64 MiB', async function () {
    const data = testBytes(64 * MiB, 64);
    const key = 'sdk/multipart-64MiB';
    const { UploadId } = await viaProxy.send(
      new CreateMultipartUploadCommand({ Bucket: minio.bucket, Key: key }),
    );
    const partSize = 16 * MiB;
    const parts = [];
    for (let n = 1, offset = 0; offset < data.length; n++, offset += partSize) {
      const body = data.subarray(offset, offset + partSize);
      const { ETag } = await viaProxy.send(
        new UploadPartCommand({ Bucket: minio.bucket, Key: key, UploadId, PartNumber: n, Body: body }),
      );
      parts.push({ ETag, PartNumber: n });
    }
    await viaProxy.send(
      new CompleteMultipartUploadCommand({
        Bucket: minio.bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    await assertStored(key, data);
  });

  it('minio-js putObject of 64 MiB (multipart, 5 MiB parts) and of 0 B, read back with getObject', async function () {
    const client = minioClient(proxy.dataUrl, minio);
    for (const size of [0, 64 * MiB]) {
      const data = testBytes(size, size + 1);
      await client.putObject(minio.bucket, `minio/obj-${size}`, Readable.from([data]), size);
      await assertStored(`minio/obj-${size}`, data);
      const read = await readAll(await client.getObject(minio.bucket, `minio/obj-${size}`));
      assert.equal(sha(read), sha(data));
    }
  });

  it('serves 8 concurrent clients with every request logged once', async function () {
    const before = (await proxy.control.metrics()).requestsTotal;
    const clients = Array.from({ length: 8 }, () => s3Client(proxy.dataUrl, minio));
    try {
      await Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < 5; i++) {
            const data = testBytes(256 * 1024 + c * 100 + i, c * 10 + i);
            const key = `concurrent/${c}/${i}`;
            await client.send(new PutObjectCommand({ Bucket: minio.bucket, Key: key, Body: data }));
            const read = await readAll(
              (await client.send(new GetObjectCommand({ Bucket: minio.bucket, Key: key }))).Body as Readable,
            );
            assert.equal(sha(read), sha(data));
          }
        }),
      );
    } finally {
      for (const client of clients) client.destroy();
    }
    const metrics = await proxy.control.metrics();
    assert.equal(metrics.requestsTotal - before, 80);
    const records = (await proxy.control.decisions()).filter((r) => r.key?.startsWith('concurrent/'));
    assert.equal(records.length, 80);
    assert.equal(new Set(records.map((r) => r.id)).size, 80, 'request ids are unique');
    assert.ok(records.every((r) => r.status === 200));
  });
});
