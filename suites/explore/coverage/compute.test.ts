// Coverage computed from literal records: the object state at each decision's arrival, listing changes
// counted on the keys they hid, opportunities only inside a faults phase, merging and the figure.
import assert from 'node:assert/strict';
import type { DecisionLine } from '../../../record/index.js';
import { HistoryStory } from '../../oracles/index.js';
import { coverageFigure, coverageFromRecord, mergeCoverage } from './compute.js';
import { allCells, classifyKey } from './model.js';

const BASE = Date.UTC(2026, 0, 1);
const CFG = (bi: string) => `backupstore/backupstore/backing-images/backing-images/${bi}/backing-image.cfg`;
const LISTING = 'backupstore/backupstore/backing-images/backing-images/';

let nextId = 1;
function decision(t: number, op: string, action: string, fields: Partial<DecisionLine> = {}): DecisionLine {
  return { id: nextId++, ts: BASE + t, op, rule: action === 'pass' ? null : 'r', action, ...fields };
}

/** A BBI of bi-1 goes new -> InProgress -> Completed, while the faults phase runs from 1000 to 9000. */
function story(during?: (s: HistoryStory) => void): HistoryStory {
  const s = new HistoryStory('s');
  s.at(0).phase('setup');
  s.at(1000).phase('faults');
  s.at(2000).bbi('bbi-1', 'bi-1', '');
  s.at(3000).bbi('bbi-1', 'bi-1', 'InProgress', 10);
  s.at(6000).bbi('bbi-1', 'bi-1', 'Completed', 100);
  during?.(s);
  s.at(9000).phase('heal');
  return s;
}

const cell = (file: Awaited<ReturnType<typeof coverageFromRecord>>, id: string) =>
  file.cells.find((c) => `${c.fault}|${c.keyClass}|${c.state}` === id);

describe('coverage from a record', () => {
  it('counts a decision in the state its object had when the request arrived', async () => {
    const coverage = await coverageFromRecord(story().events, [
      decision(2500, 'PutObject', 'hide', { key: CFG('bi-1') }),
      decision(4000, 'PutObject', 'delay', { key: CFG('bi-1'), delayMs: 100 }),
      decision(7000, 'GetObject', 'error', { key: CFG('bi-1'), status: 500 }),
    ]);
    assert.equal(cell(coverage, 'hide|cfg|BBI:new')?.acted, 1);
    assert.equal(cell(coverage, 'delay|cfg|BBI:InProgress')?.acted, 1);
    assert.equal(cell(coverage, 'error|cfg|BBI:Completed')?.acted, 1);
    assert.equal(cell(coverage, 'delay|cfg|BBI:new')?.acted ?? 0, 0);
    assert.equal(coverage.covered, 3);
  });

  it("counts a listing change on the hidden keys' objects, and a listing request under its prefix", async () => {
    const s = story((s) => s.at(6500).bbi('bbi-2', 'bi-2', 'InProgress', 0));
    const coverage = await coverageFromRecord(s.events, [
      decision(7000, 'ListObjects', 'hide', { prefix: LISTING, hiddenKeys: [CFG('bi-2')] }),
      decision(7100, 'ListObjects', 'error', { prefix: LISTING, status: 500 }),
    ]);
    // The hidden key is bi-2's (InProgress), not bi-1's (Completed).
    assert.equal(cell(coverage, 'hide|cfg|BBI:InProgress')?.acted, 1);
    assert.equal(cell(coverage, 'hide|cfg|BBI:Completed')?.acted ?? 0, 0);
    // A listing that names no object is made for the BBIs still uploading (bi-2), not for finished ones.
    assert.equal(cell(coverage, 'error|cfg|BBI:InProgress')?.acted, 1);
    assert.equal(cell(coverage, 'error|cfg|BBI:Completed')?.acted ?? 0, 0);
  });

  it('counts opportunities (pass decisions included) only inside a faults phase', async () => {
    const coverage = await coverageFromRecord(story().events, [
      decision(500, 'PutObject', 'pass', { key: CFG('bi-1') }),
      decision(3500, 'PutObject', 'pass', { key: CFG('bi-1') }),
      decision(9500, 'PutObject', 'pass', { key: CFG('bi-1') }),
    ]);
    assert.equal(coverage.covered, 0);
    assert.equal(cell(coverage, 'delay|cfg|BBI:InProgress')?.opportunities, 1);
    // A PUT can be lagged (hide) but not answered stale: stale needs a listing.
    assert.equal(cell(coverage, 'hide|cfg|BBI:InProgress')?.opportunities, 1);
    assert.equal(cell(coverage, 'stale|cfg|BBI:InProgress'), undefined);
    // Before the faults phase (t 500) and after heal (t 9500) no rule can act: no opportunity.
    assert.equal(cell(coverage, 'delay|cfg|BBI:none'), undefined);
    assert.equal(coverage.decisions.inFaultsPhase, 1);
    // delay, throttle, error, reset and hide, on cfg while the BBI was InProgress.
    assert.equal(coverage.reachable, 5);
  });

  it('puts a request for no existing object into the `none` state, and a deleted object is gone', async () => {
    const s = story((s) => s.at(7000).remove('BackupBackingImage', 'bbi-1'));
    const coverage = await coverageFromRecord(s.events, [
      decision(1500, 'ListObjects', 'reset', { prefix: LISTING }),
      decision(7500, 'HeadObject', 'delay', { key: CFG('bi-1'), delayMs: 5 }),
    ]);
    assert.equal(cell(coverage, 'reset|cfg|BBI:none')?.acted, 1);
    assert.equal(cell(coverage, 'delay|cfg|BBI:none')?.acted, 1);
  });

  it('classifies the store layout into key classes, and leaves volume blocks outside the model', () => {
    const v = 'backupstore/backupstore/volumes/ab/cd/vol-x-0-1-0-0';
    assert.equal(classifyKey(CFG('bi-1'))?.keyClass, 'cfg');
    assert.equal(classifyKey(CFG('bi-1'))?.name, 'bi-1');
    assert.equal(
      classifyKey('backupstore/backupstore/backing-images/blocks/aa/bb/x.blk')?.keyClass,
      'blocks',
    );
    assert.equal(
      classifyKey('backupstore/backupstore/volumes/22/fc/BACKINGIMAGE/locks/lock-1.lck')?.kind,
      'BackupBackingImage',
    );
    assert.equal(classifyKey(`${v}/locks/lock-1.lck`)?.kind, 'SystemBackup');
    assert.equal(classifyKey(`${v}/backups/backup_b.cfg`)?.keyClass, 'volume-backup-cfg');
    assert.equal(classifyKey(`${v}/volume.cfg`)?.keyClass, 'volume-backup-cfg');
    const zip = classifyKey('backupstore/backupstore/system-backups/v1.8.1/sb-1/system-backup.zip');
    assert.deepEqual([zip?.keyClass, zip?.name], ['system-backup-zip', 'sb-1']);
    assert.equal(classifyKey(`${v}/blocks/aa/bb/x.blk`), undefined);
    assert.equal(classifyKey('backupstore/', true), undefined);
    assert.equal(classifyKey(LISTING, true)?.keyClass, 'cfg');
  });

  it('merges records by adding counts, and takes the reachable cells of the figure from another record', async () => {
    const a = await coverageFromRecord(story().events, [
      decision(3500, 'PutObject', 'delay', { key: CFG('bi-1') }),
    ]);
    const b = await coverageFromRecord(story().events, [
      decision(3600, 'PutObject', 'delay', { key: CFG('bi-1') }),
      decision(7000, 'ListObjects', 'pass', { prefix: LISTING }),
    ]);
    const merged = mergeCoverage([a, b]);
    assert.equal(cell(merged, 'delay|cfg|BBI:InProgress')?.acted, 2);
    assert.equal(merged.covered, 1);
    const own = coverageFigure(a);
    const against = coverageFigure(a, merged);
    assert.equal(own.covered, 1);
    assert.equal(against.covered, 1);
    assert.ok(against.reachable > own.reachable, `${against.reachable} > ${own.reachable}`);
    assert.ok(merged.reachable <= allCells().length);
  });
});
