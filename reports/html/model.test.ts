// The report's data model: bands, progress, fault windows and decision counts from a record, and tolerance
// of any valid history (other kinds, missing status, unpaired rule events, types added later).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunMeta, type Verdict, RunRecordWriter } from '../../record/index.js';
import { HistoryBuilder } from '../testdata/index.js';
import { buildReportData } from './model.js';

const START = Date.UTC(2026, 0, 1);
const meta = {
  runId: 'm',
  seed: 1,
  profile: 'smoke',
  env: 'local',
  startedAt: new Date(START).toISOString(),
  repro: 'lhchaos run --seed 1',
  longhorn: { version: 'v1.8.1', simulated: true },
  tools: {},
  scenarios: [],
  timeFactor: 1,
  stallWindowMs: 1000,
} satisfies RunMeta;

describe('report data model', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-model-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('turns watch, rule and decision lines into bands, progress, windows and counts', async () => {
    const runDir = join(dir, 'a');
    const writer = await RunRecordWriter.create(runDir);
    const h = new HistoryBuilder(writer, START);
    h.watch('BackupBackingImage', 'bbi', 'ADDED', { state: '' });
    h.advance(1000).watch('BackupBackingImage', 'bbi', 'MODIFIED', { state: 'InProgress', progress: 0 });
    h.emit({
      type: 'rule',
      action: 'add',
      rule: { name: 'lag', type: 'visibility-lag' },
      reason: 'phase faults',
    });
    h.advance(1000).watch('BackupBackingImage', 'bbi', 'MODIFIED', { state: 'InProgress', progress: 0 });
    h.request('ListObjects', 'p/', 'lag', 'hide');
    h.request('GetObject', 'k', 'lag', 'pass');
    h.request('GetObject', 'k', null, 'pass');
    h.advance(1000).watch('BackupBackingImage', 'bbi', 'MODIFIED', { state: 'InProgress', progress: 40 });
    const deleted = h
      .advance(500)
      .watch('BackupBackingImage', 'bbi', 'DELETED', { state: 'InProgress', progress: 40 });
    h.emit({
      type: 'rule',
      action: 'remove',
      rule: { name: 'lag', type: 'visibility-lag' },
      counters: { matched: 2, applied: 1 },
    });
    h.advance(500).watch('SystemBackup', 'sb', 'ADDED', { state: 'CreatingBackingImageBackups' });
    await writer.close();
    const verdict: Verdict = {
      valid: true,
      checks: [
        { name: 'race-witness', valid: false, severity: 'warn', message: 'w', evidence: [deleted.id] },
      ],
    };
    const data = await buildReportData(runDir, meta, verdict);

    const bbi = data.bands.find((b) => b.resource === 'BackupBackingImage/bbi');
    assert.deepEqual(bbi?.segments, [
      [START, START + 1000, '', -1, 0],
      [START + 1000, START + 3500, 'InProgress', 40, 1],
    ]);
    assert.deepEqual(data.bands.find((b) => b.kind === 'SystemBackup')?.segments, [
      [START + 4000, START + 4000, 'CreatingBackingImageBackups', -1, 0],
    ]);
    assert.equal(data.bands[0]?.kind, 'SystemBackup', 'system backups are listed first');
    assert.deepEqual(data.progress['BackupBackingImage/bbi'], [
      [START + 1000, 0],
      [START + 3000, 40],
    ]);
    assert.deepEqual(data.windows, [
      {
        rule: 'lag',
        type: 'visibility-lag',
        from: START + 1000,
        to: START + 3500,
        reason: 'phase faults',
        matched: 2,
        applied: 1,
      },
    ]);
    assert.equal(data.decisions.total, 3);
    assert.equal(data.decisions.passed, 1);
    assert.deepEqual(data.decisions.byRule, { lag: { hide: 1, pass: 1 } });
    assert.equal(
      Object.values(data.decisions.buckets.lag ?? []).reduce((a, b) => a + b, 0),
      1,
    );
    assert.deepEqual(data.marks[deleted.id], [START + 3500, 'BackupBackingImage/bbi']);
    assert.equal(data.details[deleted.id]?.id, deleted.id);
    assert.equal(data.rows.length, h.eventCount);
  });

  it('tolerates other kinds, missing status, unpaired rules and event types it does not know', async () => {
    const runDir = join(dir, 'b');
    const writer = await RunRecordWriter.create(runDir);
    const h = new HistoryBuilder(writer, START);
    h.emit({ type: 'rule', action: 'remove', rule: { name: 'never-added', type: 'latency' } });
    h.emit({ type: 'rule', action: 'update', rule: { name: 'updated', type: 'latency' } });
    h.watch('Volume', 'vol', 'ADDED', { state: 'attached' });
    h.emit({
      type: 'watch',
      kind: 'BackupBackingImage',
      verb: 'ADDED',
      source: 'relist',
      name: 'bare',
      resourceVersion: '1',
      object: { metadata: { name: 'bare' } },
    });
    h.advance(2000).emit({ type: 'gap', kind: 'Backup', from: 500, reason: 'watch expired' });
    writer.append({
      id: h.eventCount + 1,
      t: 3000,
      ts: START + 3000,
      type: 'checkpoint',
      note: 'added later',
    } as never);
    await writer.close();
    const data = await buildReportData(runDir, meta, { valid: 'unknown', checks: [] });
    assert.deepEqual(
      data.bands.map((b) => b.resource),
      ['BackupBackingImage/bare'],
    );
    assert.deepEqual(
      data.windows.map((w) => [w.rule, w.to]),
      [['updated', START + 3000]],
      'an open window ends with the run',
    );
    assert.deepEqual(data.gaps, [{ kind: 'Backup', from: START + 500, to: START + 2000 }]);
    assert.equal(data.rows.length, 6);
    assert.match(data.rows[5]![4], /^checkpoint /);
    assert.equal(data.decisions.total, 0);
  });
});
