// recordListings against real MinIO: a listing whose prefix matches says in its decision what its answer
// showed (`listed`), pass decisions included, `null` when the answer was no listing; other listings say
// nothing. Time is a ManualClock (no sleeps).
import assert from 'node:assert/strict';
import {
  DeleteObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ManualClock } from '../../common/index.js';
import { startMinio, type TestMinio } from '../../test-support/minio.js';
import { startS3Proxy, type S3Proxy } from '../index.js';
import { s3Client } from './test-clients.js';
import type { DecisionRecord } from './types.js';

const BI = 'backupstore/backupstore/backing-images/backing-images/';
const cfg = (image: string) => `${BI}${image}/backing-image.cfg`;

describe('s3-proxy recordListings', function () {
  let minio: TestMinio;
  let direct: S3Client;
  let proxy: S3Proxy | undefined;
  let s3: S3Client | undefined;
  let clock: ManualClock;

  before(async function () {
    minio = await startMinio();
    direct = s3Client(minio.endpoint, minio);
  });
  after(async function () {
    direct?.destroy();
    await minio?.stop();
  });
  beforeEach(async function () {
    clock = new ManualClock();
    proxy = await startS3Proxy({
      upstream: minio.endpoint,
      seed: 5,
      clock,
      recordListings: 'backing-images/backing-images/?$',
    });
    s3 = s3Client(proxy.dataUrl, minio);
  });
  afterEach(async function () {
    s3?.destroy();
    await proxy?.close();
    const listed = await direct.send(new ListObjectsV2Command({ Bucket: minio.bucket }));
    for (const c of listed.Contents ?? [])
      await direct.send(new DeleteObjectCommand({ Bucket: minio.bucket, Key: c.Key }));
  });

  const put = (key: string) => s3!.send(new PutObjectCommand({ Bucket: minio.bucket, Key: key, Body: '{}' }));
  const listImages = () =>
    s3!.send(new ListObjectsCommand({ Bucket: minio.bucket, Prefix: BI, Delimiter: '/' }));
  async function lastListing(): Promise<DecisionRecord> {
    const listings = (await proxy!.control.decisions()).filter((d) => d.op === 'ListObjects');
    const last = listings[listings.length - 1];
    assert.ok(last, 'a listing decision');
    return last;
  }

  it('records the names a pass listing showed, and nothing for a listing of another prefix', async function () {
    await put(cfg('bi-1'));
    await put(cfg('bi-2'));
    await listImages();
    const listing = await lastListing();
    assert.equal(listing.action, 'pass');
    assert.deepEqual(listing.listed, ['bi-1', 'bi-2']);
    await s3!.send(new ListObjectsCommand({ Bucket: minio.bucket, Prefix: `${BI}bi-1/`, Delimiter: '/' }));
    const other = await lastListing();
    assert.equal(other.prefix, `${BI}bi-1/`);
    assert.equal(other.listed, undefined);
  });

  it('records what a listing rule left: the hidden image is not among the names, and named as hidden', async function () {
    await put(cfg('bi-1'));
    await proxy!.control.addRule({
      type: 'visibility-lag',
      name: 'cfg-lag-bi-2',
      match: { operations: ['PutObject'], key: `**/backing-images/backing-images/bi-2/backing-image.cfg` },
      durationMs: 10_000,
    });
    await put(cfg('bi-2'));
    await listImages();
    const hiding = await lastListing();
    assert.equal(hiding.action, 'hide');
    assert.deepEqual(hiding.listed, ['bi-1']);
    assert.deepEqual(hiding.hiddenKeys, [`${BI}bi-2/`]);
    await clock.advance(10_000);
    await listImages();
    assert.deepEqual((await lastListing()).listed, ['bi-1', 'bi-2']);
  });

  it('records null for a listing answered with an error, and for one whose connection was reset', async function () {
    await put(cfg('bi-1'));
    await proxy!.control.addRule({
      type: 'error',
      name: 'list-errors',
      match: { operations: ['ListObjects'] },
      code: 'InternalError',
      maxCount: 1,
    });
    await assert.rejects(listImages());
    const failed = await lastListing();
    assert.equal(failed.action, 'error');
    assert.equal(failed.listed, null);
    await proxy!.control.addRule({
      type: 'error',
      name: 'list-resets',
      match: { operations: ['ListObjects'] },
      mode: 'reset',
      maxCount: 1,
    });
    await assert.rejects(listImages());
    const reset = await lastListing();
    assert.equal(reset.action, 'reset');
    assert.equal(reset.listed, null);
    await listImages();
    assert.deepEqual((await lastListing()).listed, ['bi-1']);
  });

  it('refuses a recordListings that is no regular expression', async function () {
    await assert.rejects(
      startS3Proxy({ upstream: minio.endpoint, seed: 1, recordListings: '(' }),
      /recordListings: not a regular expression/,
    );
  });
});
