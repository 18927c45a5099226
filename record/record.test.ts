// Run record writer and reader: round trip, streaming order, and errors that name the file and line.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../common/index.js';
import type { HistoryEvent, RunMeta, Verdict } from './shapes.js';
import {
  RunRecordWriter,
  readDecisions,
  readHistory,
  readMeta,
  readVerdict,
  replaceVerdict,
} from './index.js';

const meta: RunMeta = {
  runId: 'run-1',
  seed: 42,
  profile: 'smoke',
  env: 'local',
  startedAt: '2026-11-30T01:00:00.000Z',
  repro: 'lhchaos run --env local --profile smoke --seed 42',
  longhorn: { version: 'v1.8.1', simulated: true, bugs: ['bimSkipsProgressWhenCfgExists'] },
  tools: { minio: 'v0', etcd: 'v3.6.16' },
  scenarios: [{ name: 'system-backup-race', description: 'd', iterations: 2 }],
  timeFactor: 0.1,
  stallWindowMs: 30000,
};

function logEvent(id: number): HistoryEvent {
  return {
    id,
    t: id * 10,
    ts: 1_700_000_000_000 + id * 10,
    type: 'log',
    level: 'info',
    source: 'test',
    message: `m${id}`,
  };
}

describe('run record', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-record-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips history, decisions, meta and verdict through the files', async () => {
    const runDir = join(dir, 'nested', 'run-1');
    const writer = await RunRecordWriter.create(runDir);
    for (let id = 1; id <= 5000; id++) writer.append(logEvent(id));
    writer.appendDecision({ id: 1, ts: 5, op: 'PutObject', rule: null, action: 'pass' });
    writer.appendDecision({
      id: 2,
      ts: 6,
      op: 'ListObjects',
      rule: 'lag',
      action: 'hide',
      hiddenKeys: ['a'],
    });
    const verdict: Verdict = {
      valid: false,
      checks: [
        { name: 'no-stuck-state', valid: false, severity: 'error', message: 'stuck', evidence: [3, 4] },
      ],
    };
    await writer.writeMeta(meta);
    await writer.writeVerdict(verdict);
    await writer.close();

    const ids: number[] = [];
    for await (const event of readHistory(runDir)) ids.push(event.id);
    assert.equal(ids.length, 5000);
    assert.deepEqual(ids.slice(0, 3), [1, 2, 3]);
    assert.equal(ids.at(-1), 5000);
    const decisions = [];
    for await (const d of readDecisions(runDir)) decisions.push(d);
    assert.deepEqual(
      decisions.map((d) => [d.id, d.rule, d.action]),
      [
        [1, null, 'pass'],
        [2, 'lag', 'hide'],
      ],
    );
    assert.deepEqual(await readMeta(runDir), meta);
    assert.deepEqual(await readVerdict(runDir), verdict);
    const text = await readFile(join(runDir, 'history.jsonl'), 'utf8');
    assert.equal(text.split('\n').length, 5001, 'one event a line, newline-terminated');
  });

  it('never appends to an existing record', async () => {
    const writer = await RunRecordWriter.create(dir);
    writer.append(logEvent(1));
    await writer.close();
    await assert.rejects(
      RunRecordWriter.create(dir),
      (e: Error) => e instanceof UsageError && /already holds a run record/.test(e.message),
    );
  });

  it('refuses an id that does not increase, and appends after close', async () => {
    const writer = await RunRecordWriter.create(dir);
    writer.append(logEvent(1));
    assert.throws(() => writer.append(logEvent(1)), UsageError);
    await writer.close();
    assert.throws(() => writer.append(logEvent(2)), /already closed/);
    // The runner judges the closed history, then writes the verdict: whole files may follow close().
    await writer.writeVerdict({ valid: true, checks: [] });
    assert.deepEqual(await readVerdict(dir), { valid: true, checks: [] });
  });

  it('replaces the verdict of a finished record (a re-check) and leaves no temp file', async () => {
    const writer = await RunRecordWriter.create(dir);
    await writer.close();
    await writer.writeVerdict({ valid: true, checks: [] });
    const rechecked: Verdict = {
      valid: 'unknown',
      checks: [{ name: 'runner-completed', valid: 'unknown', severity: 'error', message: 'm', evidence: [] }],
    };
    await replaceVerdict(dir, rechecked);
    assert.deepEqual(await readVerdict(dir), rechecked);
    assert.deepEqual((await readdir(dir)).sort(), ['faults.jsonl', 'history.jsonl', 'verdict.json']);
  });

  it('writes a trickle of events without close (flushed within an event-loop turn)', async () => {
    const writer = await RunRecordWriter.create(dir);
    writer.append(logEvent(1));
    await writer.drained();
    await new Promise<void>((resolve) => setImmediate(resolve));
    const text = await readFile(join(dir, 'history.jsonl'), 'utf8');
    assert.match(text, /"id":1/);
    await writer.close();
  });

  it('names the file and line of a malformed history line', async () => {
    const writer = await RunRecordWriter.create(dir);
    writer.append(logEvent(1));
    writer.append(logEvent(2));
    await writer.close();
    await appendFile(join(dir, 'history.jsonl'), '{"id": 3, "t": 1, "ts": 2, "type": \n');
    const consume = async () => {
      for await (const _ of readHistory(dir));
    };
    await assert.rejects(consume, (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /history\.jsonl:3: not JSON/);
      return true;
    });
    await writeFile(
      join(dir, 'history.jsonl'),
      JSON.stringify(logEvent(2)) + '\n' + JSON.stringify(logEvent(1)) + '\n',
    );
    await assert.rejects(consume, /history\.jsonl:2: field "id" is 1, must be an integer above 2/);
    await writeFile(join(dir, 'history.jsonl'), '{"id":1,"t":"x","ts":1,"type":"log"}\n');
    await assert.rejects(consume, /history\.jsonl:1: field "t" must be a number/);
  });

  it('reads pace events and meta.pace, and refuses malformed ones naming the line and field', async () => {
    const pace = (id: number, pacedMs: number, share = 0.5) =>
      JSON.stringify({ id, t: id * 1000, ts: 1, type: 'pace', pacedMs, share, runMs: 1, waitMs: 1 });
    const consume = async () => {
      const events: HistoryEvent[] = [];
      for await (const event of readHistory(dir)) events.push(event);
      return events;
    };
    await writeFile(join(dir, 'history.jsonl'), pace(1, 1000) + '\n' + pace(2, 1500) + '\n');
    assert.deepEqual(
      (await consume()).map((e) => (e.type === 'pace' ? e.pacedMs : undefined)),
      [1000, 1500],
    );
    await writeFile(join(dir, 'history.jsonl'), pace(1, 1000) + '\n' + pace(2, 900) + '\n');
    await assert.rejects(consume, /history\.jsonl:2: field "pacedMs" is 900, below the previous/);
    await writeFile(join(dir, 'history.jsonl'), pace(1, 1000) + '\n' + pace(2, 2500) + '\n');
    await assert.rejects(
      consume,
      /history\.jsonl:2: field "pacedMs" advanced 1500 ms .*more than "t" \(1000 ms\)/,
    );
    await writeFile(join(dir, 'history.jsonl'), pace(1, 1000, 1.5) + '\n');
    await assert.rejects(consume, /history\.jsonl:1: field "share" of a pace event is above 1/);
    await writeFile(join(dir, 'history.jsonl'), '{"id":1,"t":1,"ts":1,"type":"pace","pacedMs":1}\n');
    await assert.rejects(consume, /history\.jsonl:1: field "share" of a pace event must be a number/);

    const paced = { ...meta, pace: { clock: 'paced', sampleIntervalMs: 500 } };
    await writeFile(join(dir, 'meta.json'), JSON.stringify(paced));
    assert.deepEqual((await readMeta(dir)).pace, paced.pace);
    await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...meta, pace: { clock: 'cpu' } }));
    await assert.rejects(readMeta(dir), /meta\.json: field "pace\.clock" must be "paced" or "wall"/);
  });

  it('names the missing or malformed whole-file parts', async () => {
    await assert.rejects(
      readMeta(dir),
      (e: Error) => e instanceof UsageError && /missing .*meta\.json/.test(e.message),
    );
    await assert.rejects(async () => {
      for await (const _ of readHistory(dir));
    }, /missing .*history\.jsonl/);
    await writeFile(join(dir, 'verdict.json'), '{"valid": "maybe", "checks": []}');
    await assert.rejects(readVerdict(dir), /verdict\.json: field "valid"/);
    await writeFile(
      join(dir, 'verdict.json'),
      '{"valid": true, "checks": [{"name": "x", "valid": true, "severity": "error"}]}',
    );
    await assert.rejects(readVerdict(dir), /verdict\.json: checks\[0\]\.evidence/);
    await writeFile(
      join(dir, 'verdict.json'),
      '{"valid": true, "checks": [{"name": "x", "valid": true, "severity": "error", "evidence": [], "property": "eventually"}]}',
    );
    await assert.rejects(
      readVerdict(dir),
      /verdict\.json: checks\[0\]\.property must be "safety" or "liveness"/,
    );
    await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...meta, seed: 'x' }));
    await assert.rejects(readMeta(dir), /meta\.json: field "seed" must be a number/);
    const decisions = [];
    for await (const d of readDecisions(dir)) decisions.push(d);
    assert.equal(decisions.length, 0, 'a run without a proxy has no faults.jsonl');
  });
});
