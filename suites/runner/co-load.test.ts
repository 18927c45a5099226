// --co-load reaches the record: real k6 through the real fault proxy into a real MinIO, an error rule on the
// load's prefix (every request refused, so the error-rate threshold is crossed whatever the timing), the
// run's end stops k6, and the one `k6` event it records makes `co-load-thresholds` fail in the verdict
// (--co-load fail) or warn (--co-load), in the live judge and in `lhchaos report` alike.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../common/index.js';
import { startS3Proxy, type S3Proxy } from '../../fault-injectors/index.js';
import { RunRecordWriter, type HistoryEvent, type RunMeta } from '../../record/index.js';
import { renderReports } from '../../reports/index.js';
import { startMinio, type TestMinio } from '../../test-support/minio.js';
import { waitFor } from '../../test-support/wait.js';
import { History } from '../harness/index.js';
import { judgeRun } from './check.js';
import { startCoLoad, type CoLoadBreach } from './co-load.js';
import { TaskStack } from './tasks.js';
import type { RunTarget } from './target.js';

const meta: RunMeta = {
  runId: 'co-load',
  seed: 3,
  profile: 'smoke',
  env: 'local',
  startedAt: new Date(0).toISOString(),
  finishedAt: new Date(1).toISOString(),
  repro: 'lhchaos run --co-load fail',
  longhorn: { version: 'v1.9.0', simulated: true },
  tools: {},
  scenarios: [],
  timeFactor: 0.05,
  stallWindowMs: 6000,
};

describe('run --co-load: the k6 result in the record and the verdict', function () {
  this.timeout(120_000);
  let minio: TestMinio;
  let proxy: S3Proxy;
  let dir: string;

  before(async () => {
    minio = await startMinio();
    proxy = await startS3Proxy({ upstream: minio.endpoint, seed: 3 });
  });
  after(async () => {
    await proxy?.close();
    await minio?.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-co-load-'));
    await proxy.control.reset();
    await proxy.control.addRule({
      type: 'error',
      name: 'co-load-errors',
      code: 'InternalError',
      match: { key: 'lhchaos-co-load/**' },
    });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A state, not a time: the proxy has refused a few of the load's requests. */
  const refused = () =>
    waitFor('the proxy to refuse co-load requests', 60_000, async () => {
      const rule = (await proxy.control.metrics()).rules.find((r) => r.name === 'co-load-errors');
      return (rule?.applied ?? 0) >= 3 ? true : undefined;
    });

  async function breachedRun(breach: CoLoadBreach): Promise<{ events: HistoryEvent[]; result: unknown }> {
    const history = new History({ clock: systemClock, retain: true });
    const tasks = new TaskStack();
    const target = { proxyDataUrl: proxy.dataUrl, store: { ...minio } } as unknown as RunTarget;
    const signal = new AbortController().signal;
    const handle = await startCoLoad({ target, history, tasks, runDir: dir, seed: 3, signal, breach });
    await refused();
    await handle.finish();
    await tasks.unwind(); // the teardown's stop finds k6 ended and records nothing twice
    return { events: [...history.events], result: handle.result };
  }

  it('makes a breach a failure of the verdict with --co-load fail, and shows it in junit.xml', async () => {
    const { events, result } = await breachedRun('fail');
    const k6 = events.filter((e) => e.type === 'log' && e.source === 'k6');
    assert.equal(k6.length, 1, 'one k6 event');
    const fields = (k6[0] as { fields: Record<string, unknown> }).fields;
    assert.equal(fields.thresholdsBreached, true);
    assert.equal(fields.stopped, true, 'ended by the run, not by k6');
    assert.deepEqual(result, { exitCode: 105, thresholdsBreached: true, summaryFile: 'k6-summary.json' });
    assert.ok(JSON.parse(await readFile(join(dir, 'k6-summary.json'), 'utf8')).total.errors > 0);

    const verdict = await judgeRun(() => events, meta);
    const check = verdict.checks.find((c) => c.name === 'co-load-thresholds');
    assert.equal(check?.valid, false);
    assert.equal(check?.severity, 'error');
    assert.match(check?.message ?? '', /crossed its thresholds: s3_errors rate<0\.01/);
    assert.deepEqual(check?.evidence, [k6[0]!.id]);
    assert.equal(verdict.valid, false);

    // What `lhchaos run` renders: the check is in junit.xml and the report.
    const writer = await RunRecordWriter.create(join(dir, 'record'));
    for (const event of events) writer.append(event);
    await writer.writeMeta(meta);
    await writer.close();
    await writer.writeVerdict(verdict);
    const paths = await renderReports(join(dir, 'record'), { verdict });
    assert.match(await readFile(paths.junitPath, 'utf8'), /co-load-thresholds[\s\S]*<failure/);
    assert.match(await readFile(paths.htmlPath, 'utf8'), /co-load-thresholds/);
  });

  it('stops k6 when the run is interrupted, and the teardown still records what it did', async () => {
    const history = new History({ clock: systemClock, retain: true });
    const tasks = new TaskStack();
    const target = { proxyDataUrl: proxy.dataUrl, store: { ...minio } } as unknown as RunTarget;
    const interrupt = new AbortController();
    const signal = interrupt.signal;
    await startCoLoad({ target, history, tasks, runDir: dir, seed: 3, signal, breach: 'warn' });
    await refused();
    interrupt.abort(new Error('SIGINT received'));
    await tasks.unwind();
    const k6 = history.events.filter((e) => e.type === 'log' && e.source === 'k6');
    assert.equal(k6.length, 1);
    const fields = (k6[0] as { fields?: { stopped?: boolean; thresholdsBreached?: boolean } }).fields;
    assert.equal(fields?.stopped, true);
    assert.equal(fields?.thresholdsBreached, true);
  });

  it('makes the same breach a warning with --co-load', async () => {
    const { events } = await breachedRun('warn');
    const verdict = await judgeRun(() => events, meta);
    const check = verdict.checks.find((c) => c.name === 'co-load-thresholds');
    assert.equal(check?.valid, false);
    assert.equal(check?.severity, 'warn');
  });
});
