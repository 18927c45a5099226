import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  RunRecordWriter,
  readVerdict,
  type HistoryEvent,
  type NewEvent,
  type RunMeta,
} from '../../record/index.js';
import { judgeRun } from '../../suites/runner/index.js';
import { runCli } from '../program.js';

/** A small record: a SystemBackup that waits in CreatingBackingImageBackups far past the stall window. */
function stuckHistory(): HistoryEvent[] {
  const events: NewEvent[] = [
    { type: 'phase', name: 'setup', scenario: 'partial-sync' },
    { type: 'phase', name: 'faults', scenario: 'partial-sync' },
    {
      type: 'rule',
      action: 'add',
      rule: { name: 'cfg-lag', type: 'visibility-lag' },
      scenario: 'partial-sync',
    },
    ...(['', 'CreatingVolumeBackups', 'CreatingBackingImageBackups'] as const).map((state, i): NewEvent => ({
      type: 'watch',
      kind: 'SystemBackup',
      verb: i === 0 ? 'ADDED' : 'MODIFIED',
      source: 'watch',
      name: 'sb-1',
      resourceVersion: String(10 + i),
      object: { metadata: { name: 'sb-1', labels: { 'longhorn-chaos/iteration': '1' } }, status: { state } },
      scenario: 'partial-sync',
    })),
    {
      type: 'rule',
      action: 'remove',
      rule: { name: 'cfg-lag', type: 'visibility-lag' },
      counters: { matched: 3, applied: 3 },
      scenario: 'partial-sync',
    },
    { type: 'phase', name: 'heal', scenario: 'partial-sync' },
    { type: 'phase', name: 'quiescence', scenario: 'partial-sync' },
  ];
  return events.map(
    (e, i) => ({ ...e, id: i + 1, t: i < 6 ? i * 100 : 60_000 + i, ts: 1_000_000 + i }) as HistoryEvent,
  );
}

describe('lhchaos report', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('re-checks a record offline and reaches the verdict the live run wrote', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-report-'));
    const meta: RunMeta = {
      runId: 'r1',
      seed: 1,
      profile: 'smoke',
      env: 'local',
      startedAt: new Date(0).toISOString(),
      repro: 'lhchaos run --seed 1',
      longhorn: { version: 'v1.8.1', simulated: true },
      tools: {},
      scenarios: [{ name: 'partial-sync', description: '', iterations: 1, faultClass: 'benign' }],
      timeFactor: 0.05,
      stallWindowMs: 6000,
    };
    const writer = await RunRecordWriter.create(dir);
    for (const event of stuckHistory()) writer.append(event);
    await writer.writeMeta(meta);
    await writer.close();
    // What the live run does at its end: judge the written history, write verdict.json.
    const live = await judgeRun(() => stuckHistory(), meta);
    await writer.writeVerdict(live);
    assert.equal(live.valid, false);

    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runCli(['report', dir], { stdout: out, stderr: out });
    assert.equal(code, 1, text);
    assert.deepEqual(await readVerdict(dir), live);
    assert.match(text, /no-stuck-state/);
  });
});
