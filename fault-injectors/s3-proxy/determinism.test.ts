// The same seed and the same request sequence give the same decision log. "Identical" compares every field
// of every record except `ts` and `durationMs` (wall time), records matched by request id. The same
// requests in any interleaving (sent all at once) give each request the same decision by its identity.
import assert from 'node:assert/strict';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ManualClock } from '../../common/index.js';
import { startMinio, type TestMinio } from '../../test-support/minio.js';
import {
  comparableDecisions,
  ProxyClient,
  startS3Proxy,
  type DecisionRecord,
  type RuleSpec,
} from '../index.js';
import { s3Client } from './test-clients.js';

const RULES: RuleSpec[] = [
  { type: 'latency', name: 'lat', delayMs: 0, distribution: { type: 'exponential' }, probability: 0.5 },
  {
    type: 'error',
    name: 'err',
    code: 'SlowDown',
    probability: 0.3,
    match: { operations: ['GetObject', 'PutObject'] },
  },
  { type: 'visibility-lag', name: 'vis', durationMs: 60_000, probability: 0.5 },
];

describe('s3-proxy determinism', function () {
  let minio: TestMinio;
  let direct: S3Client;

  before(async function () {
    minio = await startMinio();
    direct = s3Client(minio.endpoint, minio);
  });
  after(async function () {
    direct?.destroy();
    await minio?.stop();
  });

  /**
   * A fixed set of requests from an empty bucket, one at a time in a fixed order, or all at once (any
   * interleaving the machine gives); returns the decision log.
   */
  async function run(
    seed: number,
    rules: RuleSpec[],
    options: { startedWith?: number; allAtOnce?: boolean } = {},
  ): Promise<DecisionRecord[]> {
    const listed = await direct.send(new ListObjectsV2Command({ Bucket: minio.bucket }));
    for (const c of listed.Contents ?? [])
      await direct.send(new DeleteObjectCommand({ Bucket: minio.bucket, Key: c.Key }));
    // The latency rule's delays are 0 ms (exponential around 0): a ManualClock would otherwise need driving.
    const reseeded = options.startedWith !== undefined;
    const proxy = await startS3Proxy({
      upstream: minio.endpoint,
      seed: options.startedWith ?? seed,
      rules: reseeded ? [] : rules,
      clock: new ManualClock(),
    });
    if (reseeded) {
      // What a runner does to an in-cluster proxy started by `cluster up --seed`: its own seed, over HTTP.
      const control = new ProxyClient(proxy.controlUrl);
      await control.reset({ seed });
      assert.equal((await control.metrics()).seed, seed);
      for (const rule of rules) await control.addRule(rule);
    }
    const s3 = s3Client(proxy.dataUrl, minio);
    try {
      const requests: (() => Promise<unknown>)[] = [];
      for (let i = 0; i < 30; i++) {
        const key = `k/${i % 7}`;
        requests.push(() => s3.send(new PutObjectCommand({ Bucket: minio.bucket, Key: key, Body: `v${i}` })));
        requests.push(() => s3.send(new GetObjectCommand({ Bucket: minio.bucket, Key: key })));
        if (i % 5 === 4)
          requests.push(() => s3.send(new ListObjectsV2Command({ Bucket: minio.bucket, Prefix: 'k/' })));
      }
      const attempt = (send: () => Promise<unknown>) => send().catch(() => undefined);
      if (options.allAtOnce) await Promise.all(requests.map(attempt));
      else for (const send of requests) await attempt(send);
      return await proxy.control.decisions();
    } finally {
      s3.destroy();
      await proxy.close();
    }
  }

  it('gives an identical decision log for the same seed, and a different one for another seed', async function () {
    const first = await run(42, RULES);
    const second = await run(42, RULES);
    assert.equal(first.length, 66);
    assert.deepEqual(comparableDecisions(second), comparableDecisions(first));
    assert.ok(
      first.some((r) => r.action === 'error') && first.some((r) => r.action === 'pass'),
      'the rules did act, not always',
    );
    const other = await run(43, RULES);
    assert.notDeepEqual(comparableDecisions(other), comparableDecisions(first));
  });

  it('decides as a proxy started with the seed after reset({seed}) through the control API', async function () {
    const started = await run(42, RULES);
    const reseeded = await run(42, RULES, { startedWith: 7 });
    assert.deepEqual(comparableDecisions(reseeded), comparableDecisions(started));
  });

  it('decides each request by its identity, whatever order the requests arrive in', async function () {
    /** Per rule and request identity (operation, key, ordinal at the rule): whether the rule acted. */
    const byIdentity = (records: DecisionRecord[]) =>
      new Map(
        records.flatMap((r) =>
          Object.entries(r.ordinals ?? {}).map(([rule, ordinal]) => [
            `${rule} ${r.op} ${r.key ?? r.prefix ?? ''} #${ordinal}`,
            r.rules?.includes(rule) === true,
          ]),
        ),
      );
    const inOrder = byIdentity(await run(42, RULES));
    const atOnce = byIdentity(await run(42, RULES, { allAtOnce: true }));
    // lat sees every request, err the 60 object requests, vis the 30 PUTs.
    assert.equal(inOrder.size, 66 + 60 + 30);
    assert.deepEqual(atOnce, inOrder);
    assert.ok([...inOrder.values()].includes(false) && [...inOrder.values()].includes(true));
  });

  it('keeps every rule’s decisions when another rule is added (one random stream per rule)', async function () {
    const base = await run(
      42,
      RULES.filter((r) => r.name !== 'vis'),
    );
    const withExtra = await run(42, [
      // Draws on every request, ahead of the error rule in the chain.
      { type: 'latency', name: 'extra', delayMs: 0, probability: 0.5 },
      ...RULES.filter((r) => r.name !== 'vis'),
    ]);
    const errors = (records: DecisionRecord[]) =>
      records.filter((r) => r.action === 'error').map((r) => r.id);
    assert.deepEqual(errors(withExtra), errors(base));
  });
});
