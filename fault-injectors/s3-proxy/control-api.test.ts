// The control API through the typed client: rule CRUD, 400s naming the field, tokens, the decision stream,
// the lease (expiry drops every rule), and an unreachable upstream (502 S3 XML, the proxy keeps running).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { UsageError } from '../../common/index.js';
import type { ProxyApiError } from '../index.js';
import { ProxyClient, startS3Proxy, type DecisionRecord, type ProxyEvent, type S3Proxy } from '../index.js';

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
  }
}

/** A loopback port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

describe('s3-proxy control API', function () {
  let proxy: S3Proxy;
  let client: ProxyClient;
  let upstream: string;

  before(async function () {
    upstream = `http://127.0.0.1:${await deadPort()}`;
  });
  beforeEach(async function () {
    proxy = await startS3Proxy({ upstream, seed: 1 });
    client = new ProxyClient(proxy.controlUrl);
  });
  afterEach(async function () {
    await proxy?.close();
  });

  it('adds, lists, shows, updates and deletes rules; counters survive an update and are kept after removal', async function () {
    await client.addRule({ type: 'error', name: 'e1', code: 'InternalError' });
    await assert.rejects(
      client.addRule({ type: 'error', name: 'e1' }),
      (e: ProxyApiError) => e.status === 409 && e.field === 'name',
    );
    await fetch(`${proxy.dataUrl}/b/k`);
    await client.updateRule('e1', { type: 'error', name: 'e1', code: 'SlowDown' });
    assert.deepEqual(await client.listRules(), [{ type: 'error', name: 'e1', code: 'SlowDown' }]);
    const shown = (await (await fetch(`${proxy.controlUrl}/rules/e1`)).json()) as {
      counters: { matched: number };
    };
    assert.equal(shown.counters.matched, 1);
    const counters = await client.deleteRule('e1');
    assert.equal(counters.applied, 1);
    assert.ok(counters.removedAt !== undefined);
    const metrics = await client.metrics();
    assert.deepEqual(metrics.rules, []);
    assert.equal(metrics.removedRules[0]?.name, 'e1');
    await assert.rejects(client.deleteRule('e1'), (e: ProxyApiError) => e.status === 404);
    await client.addRule({ type: 'latency', name: 'never', delayMs: 1, match: { bucket: 'nope' } });
    const idle = (await client.metrics()).rules.find((r) => r.name === 'never');
    assert.deepEqual([idle?.matched, idle?.applied], [0, 0], 'a rule that never matched shows as such');
    await client.reset();
    assert.deepEqual(await client.metrics().then((m) => [m.rules, m.removedRules]), [[], []]);
  });

  const badRules: [string, unknown, string][] = [
    ['unknown type', { type: 'explode', name: 'x' }, 'type'],
    ['missing type', { name: 'x' }, 'type'],
    ['missing name', { type: 'latency', delayMs: 1 }, 'name'],
    ['bad name', { type: 'latency', name: 'a b', delayMs: 1 }, 'name'],
    ['negative delay', { type: 'latency', name: 'x', delayMs: -1 }, 'delayMs'],
    ['jitter above delay', { type: 'latency', name: 'x', delayMs: 1, jitterMs: 2 }, 'jitterMs'],
    ['probability above 1', { type: 'error', name: 'x', probability: 1.5 }, 'probability'],
    [
      'unknown operation',
      { type: 'error', name: 'x', match: { operations: ['GetObjekt'] } },
      'match.operations.0',
    ],
    ['bad regex', { type: 'error', name: 'x', match: { keyRegex: '(' } }, 'match.keyRegex'],
    ['unknown field', { type: 'throttle', name: 'x', bytesPerSecond: 1, burst: 2 }, 'burst'],
    ['unknown error code', { type: 'error', name: 'x', code: 'Teapot' }, 'code'],
    ['zero duration', { type: 'visibility-lag', name: 'x', durationMs: 0 }, 'durationMs'],
    ['stop before start', { type: 'error', name: 'x', startAfterMs: 10, stopAfterMs: 5 }, 'stopAfterMs'],
  ];
  for (const [label, body, field] of badRules) {
    it(`answers 400 naming the field for a rule with ${label}`, async function () {
      const res = await fetch(`${proxy.controlUrl}/rules`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 400);
      const error = (await res.json()) as { error: string; status: number; field: string };
      assert.equal(error.status, 400);
      assert.equal(error.field, field);
      assert.match(error.error, new RegExp(field.replace(/\./g, '\\.')));
    });
  }

  it('answers 404 for unknown endpoints, 405 for wrong methods, 400 for bodies that are not JSON', async function () {
    assert.equal((await fetch(`${proxy.controlUrl}/nope`)).status, 404);
    assert.equal((await fetch(`${proxy.controlUrl}/metrics`, { method: 'DELETE' })).status, 405);
    const res = await fetch(`${proxy.controlUrl}/rules`, { method: 'POST', body: '{nope' });
    assert.equal(res.status, 400);
  });

  it('answers 400 naming the path to a rule name with a malformed percent-encoding', async function () {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(`${proxy.controlUrl}/rules/bad%E0%A4name`, {
        method,
        body: method === 'PUT' ? '{}' : undefined,
      });
      assert.equal(res.status, 400, method);
      const body = (await res.json()) as { error: string; field?: string };
      assert.match(body.error, /\/rules\/bad%E0%A4name/);
      assert.match(body.error, /percent-encoding/);
    }
  });

  it('reseeds on POST /reset {seed}, reports the seed in /metrics, and answers 400 naming seed to a bad one', async function () {
    const post = (body: unknown) =>
      fetch(`${proxy.controlUrl}/reset`, { method: 'POST', body: JSON.stringify(body) });
    for (const seed of [-1, 1.5, '7']) {
      const res = await post({ seed });
      assert.equal(res.status, 400, String(seed));
      assert.equal(((await res.json()) as { field?: string }).field, 'seed');
    }
    assert.equal((await post({ seed: 77 })).status, 200);
    assert.equal((await proxy.control.metrics()).seed, 77);
    assert.equal((await post({})).status, 200, 'a reset without seed keeps the seed');
    assert.equal((await proxy.control.metrics()).seed, 77);
  });

  it('requires the bearer token when one is set, and refuses a non-loopback control port without one', async function () {
    const guarded = await startS3Proxy({ upstream, seed: 1, token: 's3cret' });
    try {
      assert.equal((await fetch(`${guarded.controlUrl}/rules`)).status, 401);
      assert.deepEqual(await new ProxyClient(guarded.controlUrl, { token: 's3cret' }).listRules(), []);
    } finally {
      await guarded.close();
    }
    await assert.rejects(
      startS3Proxy({ upstream, seed: 1, control: '0.0.0.0:0' }),
      (e: Error) => e instanceof UsageError && /token/.test(e.message),
    );
  });

  it('answers an unreachable upstream with 502 S3 XML, logs upstream-error, and keeps running', async function () {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${proxy.dataUrl}/bucket/key`, { method: 'PUT', body: 'x' });
      assert.equal(res.status, 502);
      assert.match(await res.text(), /<Error><Code>BadGateway<\/Code>/);
    }
    const decisions = await client.decisions();
    assert.deepEqual(
      decisions.map((d) => [d.op, d.action, d.status]),
      [
        ['PutObject', 'upstream-error', 502],
        ['PutObject', 'upstream-error', 502],
      ],
    );
    assert.equal((await client.metrics()).upstreamErrors, 2);
  });

  it('streams decisions: after a cursor, by long poll and as NDJSON', async function () {
    await fetch(`${proxy.dataUrl}/b/one`);
    await fetch(`${proxy.dataUrl}/b/two`);
    const all = await client.decisions();
    assert.deepEqual(
      all.map((d) => d.key),
      ['one', 'two'],
    );
    assert.deepEqual(
      (await client.decisions(all[0]!.id)).map((d) => d.key),
      ['two'],
    );
    const polled = client.waitDecisions(all[1]!.id, 10_000);
    await fetch(`${proxy.dataUrl}/b/three`);
    assert.deepEqual(
      (await polled).map((d) => d.key),
      ['three'],
    );

    const streamed: DecisionRecord[] = [];
    const abort = new AbortController();
    const gotFour = new Promise<void>((resolve) => {
      void client.streamDecisions(
        all[0]!.id,
        (r) => {
          streamed.push(r);
          if (r.key === 'four') resolve();
        },
        abort.signal,
      );
    });
    await fetch(`${proxy.dataUrl}/b/four`);
    await gotFour;
    abort.abort();
    assert.deepEqual(
      streamed.map((d) => d.key),
      ['two', 'three', 'four'],
    );
  });

  it('numbers records in log order, so a slow request that ends last is never skipped by a cursor', async function () {
    await client.addRule({ type: 'latency', name: 'slow', delayMs: 300, match: { key: 'slow' } });
    const slow = fetch(`${proxy.dataUrl}/b/slow`);
    await until(async () => (await client.metrics()).requestsTotal === 1);
    await fetch(`${proxy.dataUrl}/b/fast`);
    const first = await client.decisions(0);
    assert.deepEqual(
      first.map((d) => [d.id, d.key]),
      [[1, 'fast']],
    );
    await slow;
    const next = await client.waitDecisions(first.at(-1)!.id, 10_000);
    // The upstream here is unreachable: the delayed request then fails, and says so.
    assert.deepEqual(
      next.map((d) => [d.id, d.key, d.action, d.rule, d.delayMs]),
      [[2, 'slow', 'upstream-error', 'slow', 300]],
    );
    assert.ok(next[0]!.ts <= first[0]!.ts, 'ts keeps the arrival order');
  });

  it('holds a lease for one holder; renew and release; expiry drops every rule and says so', async function () {
    await client.addRule({ type: 'error', name: 'poison' });
    const lease = await client.acquireLease('runner-1', 60_000);
    assert.equal(lease.holder, 'runner-1');
    await assert.rejects(client.acquireLease('runner-2', 1_000), (e: ProxyApiError) => e.status === 409);
    await client.renewLease('runner-1');
    await client.releaseLease('runner-1');
    assert.equal((await client.metrics()).lease, null);
    assert.deepEqual(
      (await client.listRules()).map((r) => r.name),
      ['poison'],
      'release keeps the rules',
    );

    const expired = new Promise<ProxyEvent>((resolve) => proxy.control.events.once('event', resolve));
    await client.acquireLease('runner-2', 150);
    const event = await expired;
    assert.equal(event.type, 'lease-expired');
    assert.deepEqual(event.type === 'lease-expired' && [event.holder, event.droppedRules], [
      'runner-2',
      ['poison'],
    ]);
    assert.deepEqual(await client.listRules(), []);
    assert.equal((await client.metrics()).lease, null);
    await assert.rejects(client.renewLease('runner-2'), (e: ProxyApiError) => e.status === 409);
    await assert.rejects(
      client.acquireLease('', 10),
      (e: ProxyApiError) => e.status === 400 && e.field === 'holder',
    );
    await assert.rejects(
      client.acquireLease('x', -1),
      (e: ProxyApiError) => e.status === 400 && e.field === 'ttlMs',
    );
  });
});
