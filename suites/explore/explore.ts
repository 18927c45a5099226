// The exploration loop (`lhchaos explore`): one ordinary run after another, each playing a generated
// schedule aimed at cells no earlier run covered, until the budget is spent or a signal ends it. After each
// run: its schedule and coverage go into its record, its report is rendered, explore.json is rewritten.
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  deriveSeed,
  describeError,
  systemClock,
  writeJsonFileAtomic,
  type Clock,
} from '../../common/index.js';
import { readHistory, writeCoverage, type CoverageFile } from '../../record/index.js';
import { renderReports } from '../../reports/index.js';
import {
  PROFILES,
  runChaos,
  scheduleScenario,
  writeScheduleRecord,
  type Profile,
  type RunProgress,
} from '../runner/index.js';
import { computeRunCoverage, mergeCoverage } from './coverage/compute.js';
import { allCells } from './coverage/model.js';
import { classifyFailures, failureSignatures, subjectStates } from './failures.js';
import { generateSchedule, type GeneratorState } from './generate.js';
import { runToScenarios } from './run-started.js';
import { judgeExploration } from './gate.js';
import {
  groupFailures,
  writeExploreSummary,
  type ExploreRunEntry,
  type ExploreSummary,
  type FailureGroup,
} from './summary.js';

export interface ExploreOptions {
  budgetMs: number;
  seed: number;
  longhorn: string;
  /** Longhorn's own backing-image-manager and backupstore (`real`) or the model's (default). */
  bim?: 'real' | 'model';
  /** longhorn-manager's own controllers (`real`, at Longhorn's own speed: time factor 1) or the simulator's (default). */
  manager?: 'real' | 'model';
  simBugs: string[];
  /** The exploration's directory: explore.json, coverage.json, schedules/, runs/. */
  dir: string;
  /** `explore`: the nightly gate (known bugs fail, new findings are unknown). */
  gate: boolean;
  envDir?: string;
  timeFactor?: number;
  /** Stop after this many runs (tests). */
  maxRuns?: number;
  /** The command line that repeats a run, given its schedule path and seed. */
  reproFor: (schedulePath: string, seed: number) => string;
  signal?: AbortSignal;
  /** A second Ctrl-C: the current run's teardown hurries (processes get SIGKILL). */
  hurry?: AbortSignal;
  clock?: Clock;
  onRunStart?: (index: number, name: string, targets: string[]) => void;
  onRunProgress?: (progress: RunProgress) => void;
  onRunDone?: (entry: ExploreRunEntry, summary: ExploreSummary) => void;
  onLog?: (message: string) => void;
}

export interface ExploreResult {
  summary: ExploreSummary;
  exitCode: 0 | 1 | 3;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function runExplore(options: ExploreOptions): Promise<ExploreResult> {
  const clock = options.clock ?? systemClock;
  const profile: Profile = PROFILES.explore;
  const bim = options.bim ?? 'model';
  const manager = options.manager ?? 'model';
  // Longhorn's own longhorn-manager cannot be sped up: its schedules are made for time factor 1 (as runPace).
  const timeFactor = options.timeFactor ?? (manager === 'real' ? 1 : profile.timeFactor);
  const started = clock.monotonic();
  const elapsed = () => Math.round(clock.monotonic() - started);
  await mkdir(join(options.dir, 'schedules'), { recursive: true });
  const summary: ExploreSummary = {
    version: 1,
    profile: options.gate ? 'explore' : 'none',
    seed: options.seed,
    longhorn: options.longhorn,
    bim,
    manager,
    simBugs: options.simBugs,
    budgetMs: options.budgetMs,
    timeFactor,
    startedAt: new Date(clock.now()).toISOString(),
    elapsedMs: 0,
    interrupted: false,
    outcome: 'unknown',
    reason: 'no run finished yet',
    load: { start: loadavg() },
    coverage: { covered: 0, reachable: 0, cells: allCells().length },
    coverageOverTime: [],
    failures: [],
    runs: [],
  };
  const coverages: CoverageFile[] = [];
  const state = {
    covered: new Set<string>(),
    reachable: new Set<string>(),
    aimed: new Map<string, number>(),
  };
  const failures: FailureGroup[] = [];
  const durations: number[] = [];
  await writeExploreSummary(options.dir, summary);
  for (let index = 0; ; index++) {
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    if (options.maxRuns !== undefined && index >= options.maxRuns) break;
    // A run is not cut short by the budget: one starts only while a typical run still fits.
    if (index > 0 && elapsed() + median(durations) > options.budgetMs) break;
    const { schedule, targets } = generateSchedule(options.seed, index, state as GeneratorState, {
      timeFactor,
    });
    const targetIds = targets.map((t) => `${t.fault}|${t.keyClass}|${t.state}`);
    for (const id of targetIds) state.aimed.set(id, (state.aimed.get(id) ?? 0) + 1);
    const schedulePath = join(options.dir, 'schedules', `${schedule.name}.json`);
    await writeJsonFileAtomic(schedulePath, schedule);
    const seed = deriveSeed('explore-run', options.seed, index) >>> 0;
    const repro = options.reproFor(schedulePath, seed);
    options.onRunStart?.(index, schedule.name, targetIds);
    const runStarted = clock.monotonic();
    try {
      // A run whose environment never came up throws here: the next would end the same way at once.
      const result = await runToScenarios(runChaos, {
        env: 'local',
        envDir: options.envDir,
        profile,
        scenarios: [scheduleScenario(schedule)],
        seed,
        iterations: profile.iterations,
        durationMs: Math.max(1, options.budgetMs - elapsed()),
        longhorn: options.longhorn,
        bim,
        manager,
        simBugs: options.simBugs,
        outDir: join(options.dir, 'runs'),
        timeFactor,
        repro,
        signal: options.signal,
        hurry: options.hurry,
        clock,
        onProgress: options.onRunProgress,
        onLog: options.onLog,
      });
      await writeScheduleRecord(result.runDir, schedule);
      const coverage = await computeRunCoverage(result.runDir);
      await writeCoverage(result.runDir, coverage);
      await renderReports(result.runDir, { verdict: result.verdict });
      coverages.push(coverage);
      const newCells = coverage.cells
        .filter((c) => c.acted > 0)
        .map((c) => `${c.fault}|${c.keyClass}|${c.state}`)
        .filter((id) => !state.covered.has(id));
      for (const c of coverage.cells) {
        const id = `${c.fault}|${c.keyClass}|${c.state}`;
        state.reachable.add(id);
        if (c.acted > 0) state.covered.add(id);
      }
      const events = [];
      for await (const event of readHistory(result.runDir)) if (event.type === 'watch') events.push(event);
      const signatures = failureSignatures(result.verdict, subjectStates(events));
      durations.push(clock.monotonic() - runStarted);
      const entry: ExploreRunEntry = {
        index,
        name: schedule.name,
        runId: result.runId,
        runDir: result.runDir,
        seed,
        schedulePath,
        targets: targetIds,
        verdict: result.verdict.valid,
        exitCode: result.exitCode,
        elapsedMs: elapsed(),
        durationMs: Math.round(clock.monotonic() - runStarted),
        newCells,
        failures: classifyFailures(signatures),
        repro,
      };
      summary.runs.push(entry);
      summary.failures = groupFailures(failures, entry);
      summary.coverageOverTime.push({
        run: index,
        elapsedMs: entry.elapsedMs,
        covered: state.covered.size,
        reachable: state.reachable.size,
      });
      summary.coverage = {
        covered: state.covered.size,
        reachable: state.reachable.size,
        cells: allCells().length,
      };
      Object.assign(summary, judgeExploration(summary, options.gate));
      summary.elapsedMs = elapsed();
      await writeExploreSummary(options.dir, summary);
      await writeJsonFileAtomic(join(options.dir, 'coverage.json'), mergeCoverage(coverages));
      options.onRunDone?.(entry, summary);
    } catch (error) {
      // A run that could not even start (the environment failed): recorded, and the exploration ends.
      options.onLog?.(`run ${index}: ${describeError(error)}`);
      summary.interrupted = true;
      summary.reason = `run ${index} failed to run: ${describeError(error)}`;
      break;
    }
  }
  if (options.signal?.aborted) summary.interrupted = true;
  const verdict = judgeExploration(summary, options.gate);
  Object.assign(summary, verdict);
  summary.finishedAt = new Date(clock.now()).toISOString();
  summary.elapsedMs = elapsed();
  summary.load.end = loadavg();
  await writeExploreSummary(options.dir, summary);
  return { summary, exitCode: summary.outcome === 'pass' ? 0 : summary.outcome === 'fail' ? 1 : 3 };
}
