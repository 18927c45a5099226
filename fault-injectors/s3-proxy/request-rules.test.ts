// The request rules' semantics (error, latency, throttle) against real MinIO through the proxy; time is a
// ManualClock except where bandwidth is measured.
import assert from 'node:assert/strict';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ManualClock, systemClock } from '../../common/index.js';
import { startMinio, type TestMinio } from '../../test-support/minio.js';
import { startS3Proxy, type S3Proxy } from '../index.js';
import { s3Client } from './test-clients.js';

describe('s3-proxy request rules', function () {
  let minio: TestMinio;
  let direct: S3Client;
  let proxy: S3Proxy | undefined;
  let s3: S3Client | undefined;
  let clock: ManualClock;
  let bucket: string;

  before(async function () {
    minio = await startMinio();
    direct = s3Client(minio.endpoint, minio);
    bucket = minio.bucket;
  });
  after(async function () {
    direct?.destroy();
    await minio?.stop();
  });
  beforeEach(async function () {
    clock = new ManualClock();
    proxy = await startS3Proxy({ upstream: minio.endpoint, seed: 3, clock });
    s3 = s3Client(proxy.dataUrl, minio);
  });
  afterEach(async function () {
    s3?.destroy();
    await proxy?.close();
    // Each test starts from an empty bucket.
    const listed = await direct.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const c of listed.Contents ?? [])
      await direct.send(new DeleteObjectCommand({ Bucket: bucket, Key: c.Key }));
  });

  const put = (key: string, body = 'x') =>
    s3!.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  describe('error', function () {
    for (const [code, status] of [
      ['SlowDown', 503],
      ['InternalError', 500],
      ['NoSuchKey', 404],
      ['AccessDenied', 403],
    ] as const) {
      it(`answers ${code} with status ${status} and an S3 XML body the SDK parses`, async function () {
        await proxy!.control.addRule({
          type: 'error',
          name: 'err',
          code,
          retryAfterSec: 2,
          match: { operations: ['PutObject'] },
        });
        await assert.rejects(
          put('refused'),
          (
            e: Error & {
              $metadata?: { httpStatusCode?: number };
              $response?: { headers: Record<string, string> };
            },
          ) => {
            assert.equal(e.name, code);
            assert.equal(e.$metadata?.httpStatusCode, status);
            assert.equal(e.$response?.headers['retry-after'], '2');
            return true;
          },
        );
        const stored = await direct.send(new ListObjectsV2Command({ Bucket: bucket }));
        assert.equal(stored.KeyCount, 0, 'a refused PUT never reaches the store');
      });
    }

    it('resets the connection', async function () {
      await proxy!.control.addRule({ type: 'error', name: 'reset', mode: 'reset' });
      await assert.rejects(put('k'), (e: Error & { code?: string }) =>
        /ECONNRESET|socket hang up/.test(`${e.code} ${e.message}`),
      );
      const [decision] = await waitForDecisions(proxy!, 1);
      assert.equal(decision!.action, 'reset');
    });

    it('hangs until the client times out', async function () {
      await proxy!.control.addRule({ type: 'error', name: 'hang', mode: 'hang' });
      const impatient = s3Client(proxy!.dataUrl, minio, { requestTimeoutMs: 300 });
      try {
        await assert.rejects(impatient.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' })), {
          name: 'TimeoutError',
        });
      } finally {
        impatient.destroy();
      }
      const [decision] = await waitForDecisions(proxy!, 1);
      assert.equal(decision!.action, 'hang');
      assert.equal(decision!.status, undefined);
    });
  });

  describe('latency', function () {
    it('holds the request until the clock has moved by the drawn delay', async function () {
      await proxy!.control.addRule({ type: 'latency', name: 'lat', delayMs: 100 });
      let done = false;
      const pending = put('k').then(() => (done = true));
      await until(() => clock.pending > 0);
      await clock.advance(99);
      assert.equal(done, false);
      await clock.advance(1);
      await pending;
      const [decision] = await proxy!.control.decisions();
      assert.equal(decision!.action, 'delay');
      assert.equal(decision!.delayMs, 100);
    });
  });

  describe('throttle', function () {
    it('limits the response body to bytesPerSecond', async function () {
      await proxy!.close();
      proxy = await startS3Proxy({ upstream: minio.endpoint, seed: 3, clock: systemClock });
      s3!.destroy();
      s3 = s3Client(proxy.dataUrl, minio);
      await put('big', 'y'.repeat(200_000));
      await proxy.control.addRule({
        type: 'throttle',
        name: 'thr',
        bytesPerSecond: 400_000,
        match: { operations: ['GetObject'] },
      });
      const started = performance.now();
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
      assert.equal((await got.Body!.transformToString()).length, 200_000);
      // A lower bound only: a loaded machine makes it slower, never faster.
      assert.ok(performance.now() - started >= 400, `took ${performance.now() - started} ms`);
    });

    it('limits the request body (upload) to bytesPerSecond, bytes unchanged', async function () {
      await proxy!.close();
      proxy = await startS3Proxy({ upstream: minio.endpoint, seed: 3, clock: systemClock });
      s3!.destroy();
      s3 = s3Client(proxy.dataUrl, minio);
      await proxy.control.addRule({
        type: 'throttle',
        name: 'thr',
        bytesPerSecond: 400_000,
        match: { operations: ['PutObject'] },
      });
      const body = 'z'.repeat(199_999) + '!';
      const started = performance.now();
      await put('up', body);
      assert.ok(performance.now() - started >= 400, `took ${performance.now() - started} ms`);
      const stored = await direct.send(new GetObjectCommand({ Bucket: bucket, Key: 'up' }));
      assert.equal(await stored.Body!.transformToString(), body);
      const [decision] = await proxy.control.decisions();
      assert.deepEqual([decision!.action, decision!.rule], ['throttle', 'thr']);
    });
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

async function waitForDecisions(proxy: S3Proxy, n: number) {
  let records = await proxy.control.decisions();
  const deadline = performance.now() + 10_000;
  while (records.length < n) {
    if (performance.now() > deadline) throw new Error(`fewer than ${n} decisions`);
    records = await proxy.control.log.wait(0, 1_000);
  }
  return records;
}
