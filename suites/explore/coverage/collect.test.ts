// Coverage of directories side by side: the run records a directory holds (itself, its sub-folders, an
// exploration's runs/), and one reachable set, the union, as the denominator of every group.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoverageCell, CoverageFile } from '../../../record/index.js';
import { runRecordsIn, sideBySide } from './collect.js';
import { mergeCoverage } from './compute.js';

const cell = (id: string, acted: number, opportunities = acted): CoverageCell => {
  const [fault, keyClass, state] = id.split('|') as [string, string, string];
  return { fault, keyClass, state, acted, opportunities };
};
const file = (cells: CoverageCell[]): CoverageFile =>
  mergeCoverage([
    {
      version: 1,
      model: { faults: [], keyClasses: [], states: {} },
      cells,
      covered: 0,
      reachable: 0,
      decisions: { total: 0, inFaultsPhase: 0, acted: 0, outsideModel: 0 },
    },
  ]);

describe('coverage side by side', () => {
  it('takes one reachable set for every group: the union of what any showed', () => {
    const nightly = file([cell('hide|cfg|BBI:InProgress', 3), cell('delay|cfg|BBI:new', 0, 5)]);
    const explore = file([
      cell('delay|cfg|BBI:new', 2),
      cell('error|lock|BBI:new', 1),
      cell('stale|cfg|BBI:Completed', 0, 4),
    ]);
    assert.deepEqual(
      sideBySide([
        { name: 'nightly', runs: 1, coverage: nightly },
        { name: 'explore', runs: 12, coverage: explore },
      ]),
      [
        { name: 'nightly', runs: 1, covered: 1, reachable: 2, reachableInAny: 4 },
        { name: 'explore', runs: 12, covered: 2, reachable: 3, reachableInAny: 4 },
      ],
    );
  });

  it('finds the run records of a record, a folder of records and an exploration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lhchaos-collect-'));
    try {
      const record = async (path: string) => {
        await mkdir(path, { recursive: true });
        await writeFile(join(path, 'history.jsonl'), '');
        await writeFile(join(path, 'faults.jsonl'), '');
      };
      await record(join(dir, 'out', 'b-run'));
      await record(join(dir, 'out', 'a-run'));
      await mkdir(join(dir, 'out', 'not-a-run'));
      await writeFile(join(dir, 'out', 'not-a-run', 'history.jsonl'), '');
      await record(join(dir, 'explore', 'runs', 'r1'));
      assert.deepEqual(await runRecordsIn(join(dir, 'out', 'a-run')), [join(dir, 'out', 'a-run')]);
      assert.deepEqual(await runRecordsIn(join(dir, 'out')), [
        join(dir, 'out', 'a-run'),
        join(dir, 'out', 'b-run'),
      ]);
      assert.deepEqual(await runRecordsIn(join(dir, 'explore')), [join(dir, 'explore', 'runs', 'r1')]);
      assert.deepEqual(await runRecordsIn(join(dir, 'nowhere')), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
