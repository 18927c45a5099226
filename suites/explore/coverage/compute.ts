// Coverage from a run record: which cells (fault type × key class × object state) the proxy's decisions
// acted on, and on which cells a fault could have acted (every request inside a faults phase, pass
// decisions included, is an opportunity for the fault types that act on its operation). "Reachable" is
// measured, never assumed: a cell is reachable when some record shows an opportunity for it (or a fault
// that acted on it). suites/explore/README.md has the definitions.
import {
  readDecisions,
  readHistory,
  type CoverageCell,
  type CoverageFile,
  type DecisionLine,
  type HistoryEvent,
} from '../../../record/index.js';
import {
  CLASS_OBJECTS,
  FAULT_TYPES,
  KEY_CLASSES,
  STATES_OF,
  cellId,
  classifyKey,
  faultTypeOf,
  faultsPossibleOn,
  isListing,
  objectState,
  parseCellId,
  type FaultType,
  type KeyTarget,
} from './model.js';
import { ObjectTimelines } from './objects.js';

type Source<T> = Iterable<T> | AsyncIterable<T>;

interface Window {
  from: number;
  to: number;
}

/** Counts per cell id; merging two tallies adds them. */
export class CoverageTally {
  readonly acted = new Map<string, number>();
  readonly opportunities = new Map<string, number>();
  decisions = { total: 0, inFaultsPhase: 0, acted: 0, outsideModel: 0 };

  add(map: Map<string, number>, id: string, n = 1): void {
    map.set(id, (map.get(id) ?? 0) + n);
  }

  merge(file: CoverageFile): this {
    for (const cell of file.cells) {
      const id = cellId({
        fault: cell.fault as FaultType,
        keyClass: cell.keyClass as never,
        state: cell.state,
      });
      if (cell.acted > 0) this.add(this.acted, id, cell.acted);
      if (cell.opportunities > 0) this.add(this.opportunities, id, cell.opportunities);
    }
    for (const key of Object.keys(this.decisions) as (keyof CoverageTally['decisions'])[])
      this.decisions[key] += file.decisions[key];
    return this;
  }

  coveredIds(): Set<string> {
    return new Set([...this.acted.keys()]);
  }

  reachableIds(): Set<string> {
    return new Set([...this.acted.keys(), ...this.opportunities.keys()]);
  }

  toFile(): CoverageFile {
    const ids = this.reachableIds();
    const cells: CoverageCell[] = [...ids].sort().map((id) => ({
      ...parseCellId(id),
      acted: this.acted.get(id) ?? 0,
      opportunities: this.opportunities.get(id) ?? 0,
    }));
    return {
      version: 1,
      model: {
        faults: [...FAULT_TYPES],
        keyClasses: [...KEY_CLASSES],
        states: Object.fromEntries(
          KEY_CLASSES.map((k) => [
            k,
            CLASS_OBJECTS[k].flatMap((kind) => STATES_OF[kind].map((s) => objectState(kind, s))),
          ]),
        ),
      },
      cells,
      covered: this.acted.size,
      reachable: ids.size,
      decisions: { ...this.decisions },
    };
  }
}

/** The keys a decision acted on: the keys a listing change hid or added, else its key or prefix. */
function actedTargets(decision: DecisionLine): KeyTarget[] {
  const changed = [
    ...((decision.hiddenKeys as string[] | undefined) ?? []),
    ...((decision.addedKeys as string[] | undefined) ?? []),
  ];
  if (changed.length > 0) return changed.flatMap((key) => classifyKey(key) ?? []);
  return requestTarget(decision);
}

function requestTarget(decision: DecisionLine): KeyTarget[] {
  const listing = isListing(decision.op);
  const subject = listing ? String(decision.prefix ?? '') : String(decision.key ?? '');
  const target = classifyKey(subject, listing);
  return target ? [target] : [];
}

/** Coverage of one record, from its history (object states, faults phases) and its decisions. */
export async function coverageFromRecord(
  events: Source<HistoryEvent>,
  decisions: Source<DecisionLine>,
): Promise<CoverageFile> {
  const objects = new ObjectTimelines();
  const windows: Window[] = [];
  for await (const event of events) {
    objects.observe(event);
    if (event.type === 'phase' && event.name === 'faults') windows.push({ from: event.ts, to: Infinity });
    if (event.type === 'phase' && event.name === 'heal') {
      const open = windows.findLast((w) => w.to === Infinity);
      if (open) open.to = event.ts;
    }
  }
  const tally = new CoverageTally();
  const cellsOf = (targets: KeyTarget[], ts: number) =>
    targets.flatMap((t) =>
      objects
        .statesFor(t.kind, t.name, ts)
        .map((state) => ({ keyClass: t.keyClass, state: objectState(t.kind, state) })),
    );
  for await (const decision of decisions) {
    tally.decisions.total++;
    const fault = faultTypeOf(decision.action);
    if (fault) {
      tally.decisions.acted++;
      const cells = cellsOf(actedTargets(decision), decision.ts);
      if (cells.length === 0) tally.decisions.outsideModel++;
      for (const cell of new Set(cells.map((c) => cellId({ fault, ...c, keyClass: c.keyClass }))))
        tally.add(tally.acted, cell);
    }
    if (!windows.some((w) => decision.ts >= w.from && decision.ts <= w.to)) continue;
    tally.decisions.inFaultsPhase++;
    const cells = cellsOf(requestTarget(decision), decision.ts);
    const ids = new Set(
      faultsPossibleOn(decision.op).flatMap((f) => cells.map((c) => cellId({ fault: f, ...c }))),
    );
    for (const id of ids) tally.add(tally.opportunities, id);
  }
  return tally.toFile();
}

export function computeRunCoverage(runDir: string): Promise<CoverageFile> {
  return coverageFromRecord(readHistory(runDir), readDecisions(runDir));
}

/** Sums several records' coverage (an exploration, a profile's runs). */
export function mergeCoverage(files: Iterable<CoverageFile>): CoverageFile {
  const tally = new CoverageTally();
  for (const file of files) tally.merge(file);
  return tally.toFile();
}

/** Covered / reachable, with the reachable cells taken from `reachableFrom` (default: the file itself). */
export function coverageFigure(
  file: CoverageFile,
  reachableFrom: CoverageFile = file,
): { covered: number; reachable: number } {
  const reachable = new Set(reachableFrom.cells.map((c) => `${c.fault}|${c.keyClass}|${c.state}`));
  for (const c of file.cells) if (c.acted > 0) reachable.add(`${c.fault}|${c.keyClass}|${c.state}`);
  const covered = file.cells.filter((c) => c.acted > 0).length;
  return { covered, reachable: reachable.size };
}
