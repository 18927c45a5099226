// runK6 with real k6 through the real fault proxy into a real MinIO: objects land under the run prefix
// only, the teardown removes them, a threshold breach (slow answers or the proxy's injected errors) is
// exit 99 recorded as such, a broken script is a k6 failure, abort stops k6 after its teardown.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, UsageError } from '../common/index.js';
import { Client } from 'minio';
import { startMinio, type TestMinio } from '../test-support/minio.js';
import { startS3Proxy, type S3Proxy } from '../test-support/s3-proxy.js';
import { coLoadCheck, runK6, type RunK6Options } from './index.js';
import { k6Binary } from './test-helpers.js';

const BUCKET = 'backups';
/** A key of "Longhorn's" that the load must leave alone. */
const LONGHORN_KEY = 'backupstore/backing-images/bi-1/backing-image.cfg';

/** Every object under `prefix` with its size, read directly from MinIO. */
async function listAll(client: Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const objects = new Map<string, number>();
  for await (const item of client.listObjectsV2(bucket, prefix, true)) {
    const entry = item as { name?: string; size?: number };
    if (entry.name !== undefined) objects.set(entry.name, entry.size ?? -1);
  }
  return objects;
}

describe('load: runK6 with real k6, the fault proxy and MinIO', function () {
  let minio: (TestMinio & { client: Client }) | undefined;
  let proxy: S3Proxy | undefined;
  let dir = '';

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-load-'));
    const started = await startMinio({ bucket: BUCKET });
    const url = new URL(started.endpoint);
    const client = new Client({
      endPoint: url.hostname,
      port: Number(url.port),
      useSSL: false,
      accessKey: started.accessKey,
      secretKey: started.secretKey,
    });
    minio = { ...started, client };
    await client.putObject(BUCKET, LONGHORN_KEY, Buffer.from('{"CompleteTime":"x"}'));
    proxy = await startS3Proxy({ upstream: started.endpoint, seed: 8 });
  });

  afterEach(async function () {
    await proxy?.control.reset();
  });

  after(async function () {
    await proxy?.close();
    await minio?.stop();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  function options(overrides: Partial<RunK6Options>): RunK6Options {
    assert.ok(minio && proxy);
    return {
      k6Path: k6Binary(),
      endpoint: proxy.dataUrl,
      accessKey: minio.accessKey,
      secretKey: minio.secretKey,
      region: minio.region,
      bucket: BUCKET,
      prefix: 'lhchaos-k6/',
      rate: 10,
      durationSec: 2,
      objectSizes: [512, 4096],
      summaryPath: join(dir, 'summary.json'),
      ...overrides,
    };
  }

  async function assertLonghornKeyUntouched(): Promise<void> {
    const all = await listAll(minio!.client, BUCKET, 'backupstore/');
    assert.deepEqual([...all.entries()], [[LONGHORN_KEY, 20]]);
  }

  it('rejects a prefix inside Longhorn’s tree and a bad rate, naming the field, before starting k6', async function () {
    await assert.rejects(runK6(options({ prefix: 'backupstore/x/' })), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /prefix/);
      return true;
    });
    await assert.rejects(
      runK6(options({ rate: 0 })),
      (e) => e instanceof UsageError && /rate/.test(e.message),
    );
  });

  it('runs 10 s through the proxy; kept objects are exactly what the summary accounts for, all under the run prefix', async function () {
    // `keep` rather than looking during the run: after the run the store is fixed, so what the minio client
    // lists can be compared exactly with the summary's counts instead of racing k6's writes and deletes.
    const firstDecision = (await proxy!.control.metrics()).requestsTotal;
    const result = await runK6(
      options({ durationSec: 10, keep: true, runId: 'keep-1', prefix: 'lhchaos-k6/a b+(c)/' }),
    );
    assert.equal(result.exitCode, 0, result.stderrTail);
    assert.equal(result.thresholdsBreached, false);
    const summary = result.summary!;
    assert.equal(summary.runPrefix, 'lhchaos-k6/a b+(c)/keep-1/');
    for (const op of ['put', 'get', 'list', 'delete'] as const) assert.ok(summary.ops[op].count > 0, op);
    assert.equal(summary.total.errors, 0);

    const stored = await listAll(minio!.client, BUCKET, 'lhchaos-k6/');
    const written = summary.ops.put.count - summary.ops.put.errors;
    const deleted = summary.ops.delete.count - summary.ops.delete.errors;
    assert.equal(stored.size, written - deleted);
    for (const [key, size] of stored) {
      assert.ok(key.startsWith(summary.runPrefix!), key);
      assert.equal(size, Number(key.split('-').at(-1)), `${key} holds the size its name says`);
    }
    await assertLonghornKeyUntouched();

    // Every request the proxy saw from this run was for the bucket and under the run prefix.
    // The proxy logs a decision when its response closes; wait for the last ones rather than assume.
    const deadline = Date.now() + 5000;
    let decisions = (await proxy!.control.decisions()).filter((d) => d.id > firstDecision);
    while (decisions.length < summary.total.count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      decisions = (await proxy!.control.decisions()).filter((d) => d.id > firstDecision);
    }
    assert.equal(decisions.length, summary.total.count);
    for (const d of decisions) {
      assert.equal(d.bucket, BUCKET);
      assert.ok((d.key ?? d.prefix ?? '').startsWith(summary.runPrefix!), JSON.stringify(d));
    }
    assert.equal(coLoadCheck(result).valid, true);
  });

  it('deletes everything it wrote in the teardown', async function () {
    const result = await runK6(options({ runId: 'clean-1' }));
    assert.equal(result.exitCode, 0, result.stderrTail);
    const summary = result.summary!;
    assert.ok(summary.ops.put.count > 0);
    assert.ok(summary.cleanup.deleted > 0 || summary.ops.put.count === summary.ops.delete.count);
    assert.equal(summary.cleanup.left, 0);
    assert.equal((await listAll(minio!.client, BUCKET, summary.runPrefix!)).size, 0);
    await assertLonghornKeyUntouched();
  });

  it('records a breached p95 threshold as exit 99, a warning by default and a failure when asked', async function () {
    const result = await runK6(options({ runId: 'slow-1', thresholds: { p95Ms: 0.001 } }));
    assert.equal(result.exitCode, 99, result.stderrTail);
    assert.equal(result.thresholdsBreached, true);
    assert.equal(result.failed, false);
    assert.equal(result.summary?.thresholdsBreached, true);
    assert.deepEqual(result.summary?.thresholds.s3_op_duration, [{ condition: 'p(95)<0.001', ok: false }]);
    const warn = coLoadCheck(result);
    assert.equal(warn.valid, false);
    assert.equal(warn.severity, 'warn');
    assert.match(warn.message, /s3_op_duration p\(95\)<0\.001/);
    assert.equal(coLoadCheck(result, { breachIsFailure: true }).severity, 'error');
  });

  it('breaches the error-rate threshold under the proxy’s injected errors: exit 99, recorded as such', async function () {
    await proxy!.control.addRule({
      type: 'error',
      name: 'k6-errors',
      code: 'InternalError',
      probability: 0.5,
      match: { key: 'lhchaos-k6/**' },
    });
    const result = await runK6(options({ runId: 'errors-1', durationSec: 3 }));
    assert.equal(result.exitCode, 99, result.stderrTail);
    assert.equal(result.thresholdsBreached, true);
    assert.equal(result.failed, false);
    const summary = result.summary!;
    assert.deepEqual(summary.thresholds.s3_errors, [{ condition: 'rate<0.01', ok: false }]);
    assert.ok(summary.total.errors > 0);
    // Every failure the load counted is one the proxy injected (the teardown's retries add more).
    assert.deepEqual(summary.errorCodes, { InternalError: summary.total.errors });
    const applied = (await proxy!.control.metrics()).rules.find((r) => r.name === 'k6-errors')?.applied ?? 0;
    assert.ok(applied >= summary.total.errors, `proxy applied ${applied}, load saw ${summary.total.errors}`);
    // The teardown retried through the faults and still left nothing.
    assert.equal(summary.cleanup.left, 0);
    assert.equal((await listAll(minio!.client, BUCKET, summary.runPrefix!)).size, 0);
    const check = coLoadCheck(result, { breachIsFailure: true });
    assert.equal(check.valid, false);
    assert.equal(check.severity, 'error');
    assert.match(check.message, /s3_errors rate<0\.01/);
  });

  it('reports a script that throws as a k6 failure with its stderr tail', async function () {
    const script = join(dir, 'broken.ts');
    await writeFile(script, "throw new Error('broken on purpose');\nexport default function () {}\n");
    const result = await runK6(options({ script }));
    assert.equal(result.exitCode, 107);
    assert.equal(result.failed, true);
    assert.equal(result.thresholdsBreached, false);
    assert.equal(result.summary, null);
    assert.match(result.stderrTail, /broken on purpose/);
    const check = coLoadCheck(result);
    assert.equal(check.valid, 'unknown');
    assert.match(check.message, /exit code 107/);
  });

  it('throws EnvironmentError when the k6 binary cannot be started', async function () {
    await assert.rejects(
      runK6(options({ k6Path: join(dir, 'no-such-k6') })),
      (e) => e instanceof EnvironmentError && /could not start k6/.test(e.message),
    );
  });

  it('ends k6 early on stop and resolves with what ran: a breach shows from its summary', async function () {
    const stop = new AbortController();
    const run = runK6(
      options({ runId: 'stop-1', durationSec: 600, thresholds: { p95Ms: 0.001 }, stop: stop.signal }),
    );
    const prefix = 'lhchaos-k6/stop-1/';
    const deadline = Date.now() + 20_000;
    while ((await listAll(minio!.client, BUCKET, prefix)).size === 0) {
      assert.ok(Date.now() < deadline, 'k6 wrote nothing within 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    stop.abort(new Error('run over'));
    const result = await run;
    assert.equal(result.stopped, true, result.stderrTail);
    assert.equal(result.exitCode, 105, 'k6 after SIGINT');
    assert.equal(result.failed, false);
    assert.equal(result.thresholdsBreached, true, 'judged from the summary, not the exit code');
    assert.ok((result.summary?.total.count ?? 0) > 0);
    assert.equal(coLoadCheck(result).valid, false);
    assert.equal((await listAll(minio!.client, BUCKET, prefix)).size, 0, 'the teardown still ran');
  });

  it('stops k6 on abort, after its teardown has deleted what it wrote, and rejects with the reason', async function () {
    const controller = new AbortController();
    const run = runK6(options({ runId: 'abort-1', durationSec: 60, signal: controller.signal }));
    const prefix = 'lhchaos-k6/abort-1/';
    const deadline = Date.now() + 20_000;
    while ((await listAll(minio!.client, BUCKET, prefix)).size === 0) {
      assert.ok(Date.now() < deadline, 'k6 wrote nothing within 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = Date.now();
    controller.abort(new Error('run ends'));
    await assert.rejects(run, /run ends/);
    assert.ok(Date.now() - started < 20_000);
    assert.equal((await listAll(minio!.client, BUCKET, prefix)).size, 0);
  });
});
