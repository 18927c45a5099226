import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  RunRecordWriter,
  readVerdict,
  replaceVerdict,
  type HistoryEvent,
  type NewEvent,
  type RunMeta,
} from '../../record/index.js';
import { judgeRun } from '../../suites/runner/index.js';
import { runCli } from '../program.js';

const meta: RunMeta = {
  runId: 'r1',
  seed: 1,
  profile: 'smoke',
  env: 'local',
  startedAt: new Date(0).toISOString(),
  finishedAt: new Date(70_000).toISOString(),
  repro: 'lhchaos run --seed 1',
  longhorn: { version: 'v1.8.1', simulated: true },
  tools: {},
  scenarios: [{ name: 'partial-sync', description: '', iterations: 1, faultClass: 'benign' }],
  timeFactor: 0.05,
  stallWindowMs: 6000,
};

function stamp(events: NewEvent[]): HistoryEvent[] {
  return events.map(
    (e, i) => ({ ...e, id: i + 1, t: i < 6 ? i * 100 : 60_000 + i, ts: 1_000_000 + i }) as HistoryEvent,
  );
}

const systemBackup = (state: string, i: number): NewEvent => ({
  type: 'watch',
  kind: 'SystemBackup',
  verb: i === 0 ? 'ADDED' : 'MODIFIED',
  source: 'watch',
  name: 'sb-1',
  resourceVersion: String(10 + i),
  object: { metadata: { name: 'sb-1', labels: { 'longhorn-chaos/iteration': '1' } }, status: { state } },
  scenario: 'partial-sync',
});

/** A whole record: a SystemBackup that waits in CreatingBackingImageBackups far past the stall window. */
function stuckHistory(): HistoryEvent[] {
  return stamp([
    { type: 'phase', name: 'setup', scenario: 'partial-sync' },
    { type: 'phase', name: 'faults', scenario: 'partial-sync' },
    {
      type: 'rule',
      action: 'add',
      rule: { name: 'cfg-lag', type: 'visibility-lag' },
      scenario: 'partial-sync',
    },
    ...(['', 'CreatingVolumeBackups', 'CreatingBackingImageBackups'] as const).map(systemBackup),
    {
      type: 'rule',
      action: 'remove',
      rule: { name: 'cfg-lag', type: 'visibility-lag' },
      counters: { matched: 3, applied: 3 },
      scenario: 'partial-sync',
    },
    { type: 'phase', name: 'heal', scenario: 'partial-sync' },
    { type: 'phase', name: 'quiescence', scenario: 'partial-sync' },
    { type: 'store', backingImageConfigs: [], systemBackups: [], objectCount: 0, scenario: 'partial-sync' },
    { type: 'phase', name: 'teardown' },
    { type: 'phase', name: 'check' },
  ]);
}

/**
 * What a SIGKILL leaves of a run against the fixed version: the SystemBackup still busy (moving, within
 * its stall window) at the last event; no store read, no teardown, no finish time.
 */
function killedHistory(): HistoryEvent[] {
  return stamp([
    { type: 'phase', name: 'setup', scenario: 'partial-sync' },
    { type: 'phase', name: 'faults', scenario: 'partial-sync' },
    ...(['', 'CreatingVolumeBackups'] as const).map(systemBackup),
  ]);
}

async function writeRecord(dir: string, events: HistoryEvent[], recordMeta: unknown): Promise<void> {
  const writer = await RunRecordWriter.create(dir);
  for (const event of events) writer.append(event);
  await writer.writeMeta(recordMeta as RunMeta);
  await writer.close();
}

async function report(dir: string): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const code = await runCli(['report', dir], { stdout: out, stderr: out });
  return { code, text };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('lhchaos report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-report-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('re-checks a record offline and reaches the verdict the live run wrote', async () => {
    await writeRecord(dir, stuckHistory(), meta);
    // What the live run does at its end: judge the written history, write verdict.json.
    const live = await judgeRun(() => stuckHistory(), meta);
    await replaceVerdict(dir, live);
    assert.equal(live.valid, false);

    const { code, text } = await report(dir);
    assert.equal(code, 1, text);
    assert.deepEqual(await readVerdict(dir), live);
    assert.match(text, /no-stuck-state/);
    // Each finding is said once (the summary used to be followed by a "Found: ..." list of the same checks).
    for (const check of live.checks.filter((c) => c.valid !== true)) {
      assert.equal(text.split(check.message).length - 1, 1, `said once: ${check.message}\n${text}`);
    }
  });

  it('judges the record of a SIGKILLed run as cut short: exit 3, never a FAIL', async () => {
    await writeRecord(dir, killedHistory(), {
      ...meta,
      longhorn: { version: 'v1.9.0', simulated: true },
      finishedAt: undefined,
    });
    const { code, text } = await report(dir);
    assert.equal(code, 3, text);
    const verdict = await readVerdict(dir);
    const completed = verdict.checks.filter((c) => c.name === 'runner-completed');
    assert.ok(completed.length > 0 && completed.every((c) => c.valid === 'unknown'), text);
    assert.doesNotMatch(text, /finished every step/);
    assert.match(text, /cut short/);
  });

  it('never passes a record whose meta.json lists no scenarios', async () => {
    await writeRecord(dir, stuckHistory(), { ...meta, scenarios: [] });
    const { code, text } = await report(dir);
    assert.equal(code, 3, text);
    assert.doesNotMatch(text, /PASS/);
    assert.match(text, /lists no scenarios/);
  });

  it('names meta.json and the field when the checkers lack one (exit 2), and changes nothing', async () => {
    const { stallWindowMs: _dropped, ...withoutWindow } = meta;
    await writeRecord(dir, stuckHistory(), withoutWindow);
    const { code, text } = await report(dir);
    assert.equal(code, 2, text);
    assert.match(text, /meta\.json: field "stallWindowMs"/);
    assert.equal(await exists(join(dir, 'verdict.json')), false, 'no verdict written');
    assert.equal(await exists(join(dir, 'report.html')), false, 'no report written');
  });

  it('leaves verdict.json as it was when the record is malformed (exit 2)', async () => {
    await writeRecord(dir, stuckHistory(), meta);
    // A recorded verdict that re-checking would change: it must survive a failed re-check as it is.
    await replaceVerdict(dir, {
      valid: 'unknown',
      checks: [{ name: 'recorded-earlier', valid: 'unknown', severity: 'error', message: 'x', evidence: [] }],
    });
    const before = await readFile(join(dir, 'verdict.json'), 'utf8');
    // The judge never reads faults.jsonl, the renderer does: the error comes after judging.
    await writeFile(join(dir, 'faults.jsonl'), '{"id": 1, "ts": 5, "action": "pass"}\nnot json\n');
    const { code, text } = await report(dir);
    assert.equal(code, 2, text);
    assert.match(text, /faults\.jsonl:2: not JSON/);
    assert.equal(await readFile(join(dir, 'verdict.json'), 'utf8'), before, 'verdict.json unchanged');
    assert.equal(await exists(join(dir, 'junit.xml')), false);
  });
});
