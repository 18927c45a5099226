// Coverage of whole directories, side by side: a run record, a folder of run records (a profile's
// `--out`), or an exploration (its `runs/`). The figures of several groups share one reachable set, the
// union of what any of them showed reachable, so that "covered / reachable" compares like with like.
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RECORD_FILES, type CoverageFile } from '../../../record/index.js';
import { computeRunCoverage, mergeCoverage } from './compute.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const isRunRecord = async (dir: string) =>
  (await exists(join(dir, RECORD_FILES.history))) && (await exists(join(dir, RECORD_FILES.decisions)));

/** The run records in `dir`: itself, its sub-folders, or those of its `runs/`. */
export async function runRecordsIn(dir: string): Promise<string[]> {
  if (await isRunRecord(dir)) return [dir];
  const found: string[] = [];
  for (const base of [dir, join(dir, 'runs')]) {
    const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name)))
      if (entry.isDirectory() && (await isRunRecord(join(base, entry.name))))
        found.push(join(base, entry.name));
  }
  return found;
}

export interface CoverageGroup {
  name: string;
  runs: number;
  coverage: CoverageFile;
}

export interface SideBySideRow {
  name: string;
  runs: number;
  covered: number;
  /** Reachable as this group alone showed it. */
  reachable: number;
  /** Reachable as any group showed it: the same denominator on every row. */
  reachableInAny: number;
}

/** Covered / reachable per group, with one reachable set for all (the union). */
export function sideBySide(groups: CoverageGroup[]): SideBySideRow[] {
  const union = mergeCoverage(groups.map((g) => g.coverage));
  return groups.map((g) => ({
    name: g.name,
    runs: g.runs,
    covered: g.coverage.covered,
    reachable: g.coverage.reachable,
    reachableInAny: union.reachable,
  }));
}

/** The merged coverage of every run record in `dir`, computed from the records themselves. */
export async function coverageOfDir(dir: string): Promise<CoverageGroup | undefined> {
  const runs = await runRecordsIn(dir);
  if (runs.length === 0) return undefined;
  const files: CoverageFile[] = [];
  for (const run of runs) files.push(await computeRunCoverage(run));
  return { name: dir, runs: runs.length, coverage: mergeCoverage(files) };
}
