// The fault controller's decision stream against a real proxy in front of real MinIO: every decision goes to
// faults.jsonl once, the history gets the acting ones and every recorded listing (pass included), and two
// scenarios' controllers sharing the run's cursor never record a decision twice; decisions the proxy dropped
// before they were read are a runner error in the history, not a silent hole.
import assert from 'node:assert/strict';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { KubeConfig } from '@kubernetes/client-node';
import { SeededRandom, systemClock } from '../../common/index.js';
import { simulatorClusterFaults } from '../../fault-injectors/cluster/index.js';
import { startS3Proxy, type S3Proxy } from '../../fault-injectors/index.js';
import { s3Client } from '../../fault-injectors/s3-proxy/test-clients.js';
import type { DecisionRecord } from '../../fault-injectors/s3-proxy/types.js';
import type { FaultEvent } from '../../record/index.js';
import { startMinio, type TestMinio } from '../../test-support/minio.js';
import { History, HistoryTap, OpRecorder } from '../harness/index.js';
import { FaultController } from './faults.js';
import { KEYS } from './scenarios.js';

const BI = 'backupstore/backupstore/backing-images/backing-images/';

describe('FaultController decisions', function () {
  let minio: TestMinio;
  let proxy: S3Proxy;
  let s3: S3Client;

  before(async function () {
    minio = await startMinio();
    proxy = await startS3Proxy({
      upstream: minio.endpoint,
      seed: 1,
      recordListings: KEYS.backingImageListing,
    });
    s3 = s3Client(proxy.dataUrl, minio);
  });
  after(async function () {
    s3?.destroy();
    await proxy?.close();
    await minio?.stop();
  });

  function controller(
    history: History,
    recorded: DecisionRecord[],
    cursor: { lastId: number },
    control: S3Proxy['control'] = proxy.control,
  ) {
    return new FaultController({
      proxy: control,
      history,
      ops: new OpRecorder(history),
      tap: new HistoryTap(),
      clock: systemClock,
      random: new SeededRandom(1),
      holder: 'faults-test',
      leaseTtlMs: 15_000,
      // Never applied here: these tests arm no cluster fault.
      clusterFaults: simulatorClusterFaults('http://127.0.0.1:9'),
      kubeConfig: new KubeConfig(),
      namespace: 'faults-test',
      onDecision: (d) => recorded.push(d),
      ownsBackingImage: () => true,
      cursor,
    });
  }
  const listImages = () =>
    s3.send(new ListObjectsCommand({ Bucket: minio.bucket, Prefix: BI, Delimiter: '/' }));

  it('records every listing of the backing-image directory in the history, and each decision once across scenarios', async function () {
    const history = new History({ clock: systemClock, retain: true });
    const recorded: DecisionRecord[] = [];
    const cursor = { lastId: 0 };
    const first = controller(history, recorded, cursor);
    await listImages();
    await s3.send(new GetObjectCommand({ Bucket: minio.bucket, Key: 'missing' })).catch(() => undefined);
    await first.pollDecisions();
    await proxy.control.addRule({
      type: 'error',
      name: 'list-errors',
      match: { operations: ['ListObjects'], keyRegex: KEYS.backingImageListing },
      code: 'InternalError',
      maxCount: 1,
    });
    await assert.rejects(listImages());
    await proxy.control.deleteRule('list-errors');
    // The next scenario's controller goes on where the first stopped.
    const second = controller(history, recorded, cursor);
    await second.pollDecisions();
    await s3.send(new DeleteObjectCommand({ Bucket: minio.bucket, Key: 'none' }));
    await second.pollDecisions();

    const ids = recorded.map((d) => d.id);
    assert.deepEqual(ids, [...new Set(ids)], 'no decision recorded twice');
    assert.deepEqual(
      recorded.map((d) => d.op),
      ['ListObjects', 'GetObject', 'ListObjects', 'DeleteObject'],
    );
    const faults = history.events.filter((e): e is FaultEvent => e.type === 'fault');
    assert.deepEqual(
      faults.map((e) => [e.decision.action, e.decision.listed]),
      [
        ['pass', []],
        ['error', null],
      ],
    );
  });

  it('records a runner error naming the decisions the proxy dropped before they were read', async function () {
    const small = await startS3Proxy({ upstream: minio.endpoint, seed: 1, decisionMemory: 5 });
    const client = s3Client(small.dataUrl, minio);
    try {
      const history = new History({ clock: systemClock, retain: true });
      const recorded: DecisionRecord[] = [];
      const faults = controller(history, recorded, { lastId: 0 }, small.control);
      await client
        .send(new GetObjectCommand({ Bucket: minio.bucket, Key: 'missing' }))
        .catch(() => undefined);
      await faults.pollDecisions();
      for (let i = 0; i < 12; i++)
        await client
          .send(new GetObjectCommand({ Bucket: minio.bucket, Key: `missing-${i}` }))
          .catch(() => undefined);
      await faults.pollDecisions();

      const ids = recorded.map((d) => d.id);
      assert.equal(ids[0], 1);
      const firstAfterGap = ids[1] ?? 0;
      assert.ok(firstAfterGap > 2, `ids ${ids.join(',')}`);
      assert.deepEqual(
        ids.slice(1),
        Array.from({ length: 13 - firstAfterGap + 1 }, (_, i) => firstAfterGap + i),
      );
      const errors = history.events.filter((e) => e.type === 'log' && e.level === 'error');
      assert.equal(errors.length, 1);
      assert.match(
        (errors[0] as { message: string }).message,
        new RegExp(`dropped decisions 2 to ${firstAfterGap - 1} \\(${firstAfterGap - 2}\\)`),
      );
    } finally {
      client.destroy();
      await small.close();
    }
  });
});
