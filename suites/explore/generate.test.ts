// The schedule generator: the same seed, index and coverage give the same schedule; each rule aims at an
// uncovered cell (its rule type, key class and arming follow the cell); every schedule is a valid file.
import assert from 'node:assert/strict';
import { globToRegExp } from '../../fault-injectors/index.js';
import { parseSchedule } from '../runner/index.js';
import { allCells, cellId, classifyKey, type Cell } from './coverage/model.js';
import { emptyGeneratorState, generateSchedule, type GeneratorState } from './generate.js';

const RULE_TYPE: Record<Cell['fault'], string> = {
  delay: 'latency',
  throttle: 'throttle',
  error: 'error',
  reset: 'error',
  hide: 'visibility-lag',
  'unhide-deleted': 'delete-lag',
  stale: 'stale-listing',
};

/** A key of each class as the simulator writes it, to check that a rule's selector reaches the class. */
const SAMPLE: Record<Cell['keyClass'], { object: string; listing: string }> = {
  cfg: {
    object: 'backupstore/backupstore/backing-images/backing-images/bi-abcdef-0-1-0/backing-image.cfg',
    listing: 'backupstore/backupstore/backing-images/backing-images/',
  },
  blocks: {
    object: 'backupstore/backupstore/backing-images/blocks/ab/cd/abcd.blk',
    listing: 'backupstore/backupstore/backing-images/blocks/',
  },
  lock: {
    object: 'backupstore/backupstore/volumes/22/fc/BACKINGIMAGE/locks/lock-0123456789abcdef.lck',
    listing: 'backupstore/backupstore/volumes/22/fc/BACKINGIMAGE/locks/',
  },
  'system-backup-zip': {
    object: 'backupstore/backupstore/system-backups/v1.8.1/sb-abcdef-0-1/system-backup.zip',
    listing: 'backupstore/backupstore/system-backups/',
  },
  'volume-backup-cfg': {
    object: 'backupstore/backupstore/volumes/ab/cd/vol-abcdef-0-1-0-0/backups/backup_b.cfg',
    listing: 'backupstore/backupstore/volumes/ab/cd/',
  },
};
const VOLUME_LOCK =
  'backupstore/backupstore/volumes/ab/cd/vol-abcdef-0-1-0-0/locks/lock-0123456789abcdef.lck';

function selects(match: { key?: string; keyRegex?: string } | undefined, key: string): boolean {
  return (
    (match?.key === undefined || globToRegExp(match.key).test(key)) &&
    (match?.keyRegex === undefined || new RegExp(match.keyRegex).test(key))
  );
}

describe('schedule generator', () => {
  it('gives the same schedule for the same seed, index and coverage, and another for another index', () => {
    const state = emptyGeneratorState();
    const a = generateSchedule(42, 3, state, { timeFactor: 0.05 });
    const b = generateSchedule(42, 3, state, { timeFactor: 0.05 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      generateSchedule(42, 4, state, { timeFactor: 0.05 }).schedule.rules,
      a.schedule.rules,
    );
    assert.notDeepEqual(
      generateSchedule(43, 3, state, { timeFactor: 0.05 }).schedule.rules,
      a.schedule.rules,
    );
  });

  it('aims only at uncovered cells', () => {
    const open = ['hide|cfg|BBI:new', 'error|cfg|BBI:Completed', 'stale|system-backup-zip|SB:Uploading'];
    const state: GeneratorState = {
      covered: new Set(
        allCells()
          .map(cellId)
          .filter((id) => !open.includes(id)),
      ),
      reachable: new Set(open),
      aimed: new Map(),
    };
    for (let index = 0; index < 30; index++) {
      for (const target of generateSchedule(7, index, state, { timeFactor: 0.05 }).targets)
        assert.ok(open.includes(cellId(target)), `run ${index} aimed at covered ${cellId(target)}`);
    }
  });

  it("builds each rule from its cell: the fault's rule type, a selector for the key class, arming on the state", () => {
    const state = emptyGeneratorState();
    let rules = 0;
    for (let index = 0; index < 60; index++) {
      const { schedule, targets } = generateSchedule(11, index, state, { timeFactor: 0.05 });
      assert.ok(schedule.rules.length >= 1 && schedule.rules.length <= 3);
      parseSchedule(JSON.parse(JSON.stringify(schedule)), `run ${index}`);
      for (const [k, target] of targets.entries()) {
        const rule = schedule.rules[k]!;
        rules++;
        assert.equal(rule.rule.type, RULE_TYPE[target.fault], cellId(target));
        if (target.fault === 'reset') assert.equal((rule.rule as { mode?: string }).mode, 'reset');
        const sample =
          target.keyClass === 'lock' && target.state.startsWith('SB:')
            ? { object: VOLUME_LOCK, listing: '' }
            : SAMPLE[target.keyClass];
        const listing = rule.rule.match?.operations?.some((op) => op.startsWith('List'));
        const key = listing
          ? sample.listing || 'backupstore/backupstore/volumes/ab/cd/vol-x/locks/'
          : sample.object;
        assert.ok(
          selects(rule.rule.match, key),
          `${cellId(target)}: ${JSON.stringify(rule.rule.match)} misses ${key}`,
        );
        assert.equal(classifyKey(key, listing)?.keyClass, target.keyClass);
        const [, state] = target.state.split(':');
        if (rule.arm !== 'faults' && rule.arm.on === 'state') assert.equal(rule.arm.state, state);
        if (state === 'new') assert.ok(rule.arm === 'faults' || rule.arm.on === 'created');
      }
      const destructive = schedule.rules.some((r) => r.rule.type === 'error');
      if (destructive) assert.equal(schedule.faultClass, 'destructive');
    }
    assert.ok(rules >= 60);
  });

  it('turns to the cells it has aimed at least once it has tried the others', () => {
    const cells = allCells().map(cellId);
    const state: GeneratorState = {
      covered: new Set(cells.slice(2)),
      reachable: new Set(),
      aimed: new Map([[cells[0]!, 5]]),
    };
    const picks = Array.from(
      { length: 20 },
      (_, i) => generateSchedule(3, i, state, { timeFactor: 0.05 }).targets[0],
    );
    const toFresh = picks.filter((t) => t && cellId(t) === cells[1]).length;
    assert.ok(toFresh > 10, `${toFresh} of 20 first targets were the cell never aimed at`);
  });
});
