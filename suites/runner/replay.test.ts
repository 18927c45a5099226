import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunRecordWriter, type HistoryEvent, type RunMeta } from '../../record/index.js';
import { nameTag, runIdTag } from '../workloads/index.js';
import { buildReplayRules } from './replay.js';

describe('buildReplayRules', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keys request-local decisions by (op, renamed key, ordinal) and re-arms store-state rules', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-replay-'));
    // A record from before names came from the seed: no nameTag, the tag came from the run id.
    const oldRun = '20260101-000000-s1';
    const oldTag = runIdTag(oldRun);
    const writer = await RunRecordWriter.create(dir);
    const meta = {
      runId: oldRun,
      seed: 1,
      profile: 'smoke',
      env: 'local',
      startedAt: '',
      repro: '',
      longhorn: { version: 'v1.8.1', simulated: true },
      tools: {},
      scenarios: [{ name: 'errors', description: '', iterations: 1, faultClass: 'destructive' }],
      timeFactor: 0.05,
      stallWindowMs: 6000,
    } satisfies RunMeta;
    await writer.writeMeta(meta);
    const events: HistoryEvent[] = [
      { id: 1, t: 0, ts: 1000, type: 'phase', name: 'faults', scenario: 'errors' },
      {
        id: 2,
        t: 1,
        ts: 1001,
        type: 'rule',
        action: 'add',
        rule: { name: 'lag', type: 'visibility-lag', durationMs: 500 },
        scenario: 'errors',
      },
      { id: 3, t: 9, ts: 1900, type: 'phase', name: 'heal', scenario: 'errors' },
    ];
    for (const e of events) writer.append(e);
    const key = `backupstore/backupstore/backing-images/backing-images/bi-${oldTag}-0-1-0/backing-image.cfg`;
    const decisions = [
      { id: 1, ts: 500, op: 'PutObject', key, rule: null, action: 'pass' }, // before the faults phase
      { id: 2, ts: 1100, op: 'PutObject', key, rule: null, action: 'pass' },
      { id: 3, ts: 1200, op: 'PutObject', key, rule: 'put-slowdown', action: 'error', status: 503 },
      { id: 4, ts: 1300, op: 'PutObject', key, rule: 'lag', action: 'hide' },
      { id: 5, ts: 2000, op: 'PutObject', key, rule: 'put-slowdown', action: 'error', status: 503 }, // after heal
    ];
    for (const d of decisions) writer.appendDecision(d);
    await writer.close();

    const newTag = nameTag(1);
    assert.notEqual(newTag, oldTag);
    const plan = await buildReplayRules(dir, newTag);
    const rules = plan.rulesByScenario.get('errors')!;
    assert.equal(rules.length, 2);
    const replayed = rules.find((r) => r.name === 'replay-1')!;
    assert.equal(replayed.type, 'error');
    assert.equal((replayed as { code?: string }).code, 'SlowDown');
    assert.equal(replayed.afterN, 1, 'the second PutObject of that key in the faults window');
    assert.equal(replayed.maxCount, 1);
    assert.ok(replayed.match?.keyRegex?.includes(`bi-${newTag}-0-1-0`), 'renamed to the new run');
    assert.equal(rules.find((r) => r.name === 'lag')?.type, 'visibility-lag');
    assert.match(plan.notes.join('\n'), /1 request-local decision\(s\) replayed.*re-armed as recorded: lag/);
  });
});

describe('keyPattern', () => {
  it('matches the same key with any volume hash directories, and nothing else', async () => {
    const { keyPattern } = await import('./replay.js');
    const re = new RegExp(keyPattern('backupstore/backupstore/volumes/ab/cd/vol-x-0/blocks/1.blk'));
    assert.ok(re.test('backupstore/backupstore/volumes/12/ef/vol-x-0/blocks/1.blk'));
    assert.ok(!re.test('backupstore/backupstore/volumes/12/ef/vol-y-0/blocks/1.blk'));
    assert.ok(!re.test('backupstore/backupstore/volumes/12/ef/vol-x-0/blocks/1xblk'));
  });
});
