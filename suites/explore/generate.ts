// The schedule generator: from the seed, the run's index and what earlier runs covered, a schedule of 1 to 3
// rules, each aimed at a cell not covered yet (a fault type, on a key class, while an object is in a
// state): the rule's type and match come from the cell's fault and key class, its arming from the state
// (a reactive trigger on that state), and its lag, duration, probability and strength are drawn from the
// seed. Deterministic: the same seed, index and coverage give the same schedule.
import { SeededRandom } from '../../common/index.js';
import type { RuleSpec } from '../../fault-injectors/s3-proxy/types.js';
import type { ScheduleArm, ScheduleFile, ScheduleRule } from '../runner/index.js';
import { allCells, cellId, type Cell, type FaultType, type KeyClass } from './coverage/model.js';

export interface GeneratorState {
  /** Cells some earlier run's faults acted on. */
  covered: ReadonlySet<string>;
  /** Cells some earlier run showed an opportunity for. */
  reachable: ReadonlySet<string>;
  /** How often each cell was aimed at already. */
  aimed: ReadonlyMap<string, number>;
}

export interface GeneratedSchedule {
  schedule: ScheduleFile;
  /** The cell each rule aims at, in rule order. */
  targets: Cell[];
}

export const emptyGeneratorState = (): GeneratorState => ({
  covered: new Set(),
  reachable: new Set(),
  aimed: new Map(),
});

/**
 * Weight of an uncovered cell: each key class weighs the same in total (lock has both objects' states),
 * a cell seen reachable counts four times one never seen, and each earlier aim at it counts less.
 */
function weight(cell: Cell, state: GeneratorState, classSize: ReadonlyMap<string, number>): number {
  const id = cellId(cell);
  if (state.covered.has(id)) return 0;
  const base = state.reachable.has(id) ? 4 : 1;
  return base / (classSize.get(cell.keyClass) ?? 1) / (1 + (state.aimed.get(id) ?? 0)) ** 2;
}

function weightedPick<T>(random: SeededRandom, items: T[], weights: number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random.next() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i] as number;
    if (r < 0) return i;
  }
  return items.length - 1;
}

/** Up to `count` distinct uncovered cells, weighted; falls back to every cell once all are covered. */
export function pickTargets(random: SeededRandom, state: GeneratorState, count: number): Cell[] {
  const cells = allCells();
  const classSize = new Map<string, number>();
  for (const c of cells) classSize.set(c.keyClass, (classSize.get(c.keyClass) ?? 0) + 1);
  let weights = cells.map((c) => weight(c, state, classSize));
  if (weights.every((w) => w === 0)) weights = cells.map(() => 1);
  const out: Cell[] = [];
  for (let k = 0; k < count && weights.some((w) => w > 0); k++) {
    const index = weightedPick(random, cells, weights);
    out.push(cells[index] as Cell);
    weights[index] = 0;
  }
  return out;
}

interface KeyChoice {
  /** Glob of the objects, or a regex (anchored where needed) of keys and listing prefixes. */
  objects: { key?: string; keyRegex?: string };
  listings: { keyRegex: string };
}

function keysOf(keyClass: KeyClass, state: string): KeyChoice {
  switch (keyClass) {
    case 'cfg':
      return {
        objects: { key: '**/backing-images/backing-images/*/backing-image.cfg' },
        listings: { keyRegex: '/backing-images/backing-images/([^/]+/)?$' },
      };
    case 'blocks':
      return {
        objects: { key: '**/backing-images/blocks/**' },
        listings: { keyRegex: '/backing-images/blocks/' },
      };
    case 'lock':
      return state.startsWith('BBI:')
        ? { objects: { key: '**/BACKINGIMAGE/locks/*' }, listings: { keyRegex: '/BACKINGIMAGE/locks/$' } }
        : { objects: { key: '**/volumes/*/*/vol-*/locks/*' }, listings: { keyRegex: '/vol-[^/]+/locks/$' } };
    case 'system-backup-zip':
      return {
        objects: { key: '**/system-backups/*/*/system-backup.*' },
        listings: { keyRegex: '/system-backups/' },
      };
    case 'volume-backup-cfg':
      return {
        objects: { keyRegex: '/volumes/[0-9a-f]{2}/[0-9a-f]{2}/vol-[^/]+/(backups/[^/]+|volume\\.cfg)$' },
        listings: { keyRegex: '/volumes/([0-9a-f]{2}/([0-9a-f]{2}/(vol-[^/]+/(backups/)?)?)?)?$' },
      };
  }
}

const LISTINGS = ['ListObjects', 'ListObjectsV2'] as const;

/** The proxy rule for a fault type on a key class; times in milliseconds for `T` ms per Longhorn second. */
function ruleFor(random: SeededRandom, name: string, cell: Cell, T: number): RuleSpec {
  const keys = keysOf(cell.keyClass, cell.state);
  const probability = random.pick([0.3, 0.6, 1, 1]);
  const where = random.pick(['objects', 'objects', 'listings'] as const);
  const requestMatch =
    where === 'listings'
      ? { operations: [...LISTINGS], ...keys.listings }
      : {
          ...keys.objects,
          ...(random.chance(0.5)
            ? { operations: [random.pick(['PutObject', 'GetObject', 'HeadObject'] as const)] }
            : {}),
        };
  const fault: FaultType = cell.fault;
  switch (fault) {
    case 'delay': {
      const delayMs = Math.round(random.between(0.5, 4) * T);
      return {
        type: 'latency',
        name,
        match: requestMatch,
        delayMs,
        jitterMs: Math.round(delayMs / 4),
        probability,
      };
    }
    case 'throttle':
      // 32-256 KiB per Longhorn second: a 2 MiB block takes 8-64 Longhorn seconds, inside the stall window.
      return {
        type: 'throttle',
        name,
        match: requestMatch,
        bytesPerSecond: Math.round((random.pick([32, 64, 128, 256]) * 1024 * 1000) / T),
        probability,
      };
    case 'error':
      return {
        type: 'error',
        name,
        match: requestMatch,
        code: random.pick(['SlowDown', 'InternalError', 'ServiceUnavailable', 'NoSuchKey'] as const),
        probability,
        maxCount: random.pick([1, 3, 10]),
      };
    case 'reset':
      return {
        type: 'error',
        name,
        match: requestMatch,
        mode: 'reset',
        probability,
        maxCount: random.pick([1, 3, 10]),
      };
    case 'hide':
      // Longhorn's sync timestamps have a 1 s resolution that no time factor scales: lags of whole seconds.
      return {
        type: 'visibility-lag',
        name,
        match: { operations: ['PutObject'], ...keys.objects },
        durationMs: Math.round(random.between(3, 20) * 1000),
        ...(random.chance(0.2) ? { hideReads: true } : {}),
        probability,
      };
    case 'unhide-deleted':
      return {
        type: 'delete-lag',
        name,
        match: { operations: ['DeleteObject'], ...keys.objects },
        durationMs: Math.round(random.between(2, 15) * 1000),
        probability,
      };
    case 'stale':
      return {
        type: 'stale-listing',
        name,
        match: { operations: [...LISTINGS], ...keys.listings },
        ageMs: Math.round(random.between(2, 15) * 1000),
        probability,
      };
  }
}

/** Arms the rule when the cell's object enters its state; `none` and listing effects may arm earlier. */
function armFor(random: SeededRandom, cell: Cell): ScheduleArm {
  const [label, state] = cell.state.split(':') as [string, string];
  const kind = label === 'BBI' ? 'BackupBackingImage' : 'SystemBackup';
  // A lag or a ghost shows in listings after the write or delete it marked: arm at the start as often.
  const early = (cell.fault === 'hide' || cell.fault === 'unhide-deleted') && random.chance(0.5);
  if (state === 'none' || early) return random.chance(0.5) ? 'faults' : { kind, on: 'created' };
  if (state === 'new') return { kind, on: 'created' };
  return { kind, on: 'state', state };
}

/** The schedule of the `index`-th run of an exploration with this seed. */
export function generateSchedule(
  seed: number,
  index: number,
  state: GeneratorState,
  options: { timeFactor: number },
): GeneratedSchedule {
  const random = new SeededRandom(seed).derive('explore', index);
  const T = 1000 * options.timeFactor;
  const targets = pickTargets(random.derive('targets'), state, random.int(1, 3));
  const rules: ScheduleRule[] = targets.map((cell, k) => {
    const r = random.derive('rule', k);
    const arm = armFor(r, cell);
    const lag = r.pick([0, 0, Math.round(r.between(0.5, 3) * T)]);
    const forMs = r.chance(0.5) ? Math.round(r.between(10, 60) * T) : undefined;
    return {
      arm,
      ...(lag > 0 ? { lagMs: lag } : {}),
      ...(forMs !== undefined ? { forMs } : {}),
      ...(arm === 'faults' ? {} : { maxFirings: r.int(1, 4) }),
      rule: ruleFor(r, `r${k}-${cell.fault}-${cell.keyClass}`, cell, T),
    };
  });
  const destructive = rules.some(
    (r) => r.rule.type === 'error' || (r.rule.type === 'visibility-lag' && r.rule.hideReads),
  );
  const hammerMin = random.int(1, 3);
  const schedule: ScheduleFile = {
    version: 1,
    name: `explore-${String(index).padStart(3, '0')}`,
    description: `explore run ${index}: ${targets.map((t) => cellId(t)).join(', ')}`,
    timeFactor: options.timeFactor,
    faultClass: destructive ? 'destructive' : 'benign',
    backingImages: random.int(1, 3),
    volumesPerImage: 1,
    pollInterval: '10s',
    syncHammer: random.chance(0.6) ? { minT: hammerMin, maxT: hammerMin + random.int(1, 3) } : false,
    rules,
  };
  return { schedule, targets };
}
