// explore.json: what an exploration did, written again after every run so that an interrupted or killed
// exploration still leaves its summary: the runs, coverage over time, and distinct failures grouped by
// failing check and subject kind, each with the first run that showed it.
import { join } from 'node:path';
import { writeJsonFileAtomic } from '../../common/index.js';
import type { Validity } from '../../record/index.js';
import type { FailureSignature } from './failures.js';

export const EXPLORE_FILE = 'explore.json';

export interface ExploreRunEntry {
  index: number;
  name: string;
  runId: string;
  runDir: string;
  seed: number;
  schedulePath: string;
  /** The cells the schedule's rules aimed at. */
  targets: string[];
  verdict: Validity;
  exitCode: number;
  /** Milliseconds from the start of the exploration to the end of this run. */
  elapsedMs: number;
  durationMs: number;
  /** Cells this run covered that no earlier run had. */
  newCells: string[];
  failures: { signature: FailureSignature; knownBug?: string }[];
  repro: string;
}

export interface FailureGroup {
  check: string;
  subjectKind: string;
  states: string[];
  /** The known bug (KNOWN_BUGS) when a signature of the group is one. */
  knownBug?: string;
  runs: number[];
  firstRun: number;
  firstElapsedMs: number;
  firstRunDir: string;
  repro: string;
}

export interface ExploreSummary {
  version: 1;
  profile: 'explore' | 'none';
  seed: number;
  longhorn: string;
  /** What every run ran as Longhorn's own code (`real`) or as the model; each run's meta.components says the same. */
  bim: 'real' | 'model';
  manager: 'real' | 'model';
  simBugs: string[];
  budgetMs: number;
  timeFactor: number;
  startedAt: string;
  finishedAt?: string;
  elapsedMs: number;
  /** Ended by a signal (or an error) before its budget: such an exploration never passes. */
  interrupted: boolean;
  outcome: 'pass' | 'fail' | 'unknown';
  reason: string;
  /** os.loadavg() at the start and at the end (the machine's load matters for timings). */
  load: { start: number[]; end?: number[] };
  coverage: { covered: number; reachable: number; cells: number };
  coverageOverTime: { run: number; elapsedMs: number; covered: number; reachable: number }[];
  failures: FailureGroup[];
  runs: ExploreRunEntry[];
}

/** Adds one run's failures to the groups (by failing check and subject kind). */
export function groupFailures(groups: FailureGroup[], run: ExploreRunEntry): FailureGroup[] {
  for (const { signature, knownBug } of run.failures) {
    let group = groups.find((g) => g.check === signature.check && g.subjectKind === signature.subjectKind);
    if (!group) {
      group = {
        check: signature.check,
        subjectKind: signature.subjectKind,
        states: [],
        runs: [],
        firstRun: run.index,
        firstElapsedMs: run.elapsedMs,
        firstRunDir: run.runDir,
        repro: run.repro,
      };
      groups.push(group);
    }
    if (!group.states.includes(signature.state)) group.states.push(signature.state);
    if (!group.runs.includes(run.index)) group.runs.push(run.index);
    if (knownBug && !group.knownBug) group.knownBug = knownBug;
  }
  return groups;
}

export function writeExploreSummary(dir: string, summary: ExploreSummary): Promise<void> {
  return writeJsonFileAtomic(join(dir, EXPLORE_FILE), summary);
}

/** One line per distinct failure, for the terminal. */
export function failureLines(summary: ExploreSummary): string[] {
  return summary.failures.map((g) => {
    const known = g.knownBug ? `known bug ${g.knownBug}` : 'new finding';
    const when = `first in run ${g.firstRun} after ${(g.firstElapsedMs / 60_000).toFixed(1)} min`;
    return `${g.check} on ${g.subjectKind} (${g.states.join(', ')}): ${known}; ${g.runs.length} run(s), ${when}: ${g.firstRunDir}`;
  });
}
