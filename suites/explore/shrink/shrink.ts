// `lhchaos shrink RUN_DIR`: replays a failing run with fewer faults until no smaller schedule still fails.
// First over its fault parts (rules, triggers, the sync hammer), then over each remaining rule's decisions
// (the requests it acted on). A candidate still fails only when k of n tries show the run's failure
// signature (failing check and subject kind); every try is an ordinary run record under the shrink folder.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, systemClock, writeJsonFileAtomic, type Clock } from '../../../common/index.js';
import { bugEdits } from '../../../fixtures/simulator/index.js';
import {
  readHistory,
  readVerdict,
  recordedComponents,
  type HistoryEvent,
  type RecordedComponents,
  type RunMeta,
} from '../../../record/index.js';
import {
  profileByName,
  runChaos,
  scheduleScenario,
  writeScheduleRecord,
  type ChaosRunOptions,
  type ChaosRunResult,
  type RequestAtom,
  type RunProgress,
} from '../../runner/index.js';
import {
  KNOWN_BUGS,
  classifyFailures,
  failureSignatures,
  subjectStates,
  signatureKey,
  type FailureSignature,
} from '../failures.js';
import { scheduleUnits, scheduleWith, shrinkSource, unitAtoms, SYNC_HAMMER } from './plan.js';
import { runToScenarios } from '../run-started.js';
import { searchMinimal, type Candidate, type SearchStage, type VerifyOutcome } from './search.js';

export interface ShrinkOptions {
  runDir: string;
  /** Where tries, shrink.json and the minimal schedule go. */
  outDir: string;
  /** The failure to keep: `check[:SubjectKind[:state]]`; default a known bug's signature, else the first failing check. */
  target?: string;
  k: number;
  n: number;
  budgetMs: number;
  /** After shrinking, replay the minimal schedule this many times (0: none)... */
  verify: number;
  /** ...of which at least this many must fail for it to be a repro (else the rules are replayed whole). */
  verifyMin: number;
  envDir?: string;
  /** The command that runs a schedule file with the original run's settings. */
  reproFor: (schedulePath: string) => string;
  signal?: AbortSignal;
  /** A second Ctrl-C: the current try's teardown hurries (processes get SIGKILL). */
  hurry?: AbortSignal;
  clock?: Clock;
  /** What makes one try's run: `runChaos`; a test gives a fake that writes a record of its own. */
  run?: (options: ChaosRunOptions) => Promise<Pick<ChaosRunResult, 'runDir' | 'verdict'>>;
  onLog?: (message: string) => void;
  onRunProgress?: (progress: RunProgress) => void;
}

export interface ShrinkTry {
  stage: SearchStage;
  parts: string[];
  requests?: number;
  runDir: string;
  failed: boolean;
  verdict: string;
}

export interface ShrinkReport {
  version: 1;
  source: string;
  scenario: string;
  /** What every try ran as Longhorn's own code: what the failing run's record says it ran. */
  components: RecordedComponents;
  target: { check: string; subjectKind?: string; state?: string };
  k: number;
  n: number;
  startedAt: string;
  finishedAt?: string;
  elapsedMs: number;
  /** Whether the full schedule failed k of n times to begin with. */
  reproduced: boolean;
  minimal: boolean;
  stoppedBy?: string;
  parts: { before: string[]; after: string[] };
  /**
   * Per remaining rule: its requests before and after narrowing; `whole` when narrowed to all of them it no
   * longer failed n of n times, the budget ran out first, or the narrowed schedule failed too few replays,
   * so the rule stays as it was.
   */
  decisions: Record<string, { before: number; after: number; whole?: true }>;
  /** Rules and triggers of the minimal schedule (its fault parts other than the sync hammer). */
  rules: number;
  /** Proxy rules they make: a rule narrowed to m requests is m proxy rules of one request each. */
  proxyRules: number;
  schedulePath?: string;
  repro?: string;
  /** The replays of the minimal schedule: `narrowed` false when it keeps its rules whole. */
  verify?: VerifyOutcome & { min: number };
  /** When the narrowed schedule's replays fell short of `min`: the replays of the one not chosen. */
  otherVerify?: VerifyOutcome;
  tries: ShrinkTry[];
}

type Target = { check: string; subjectKind?: string; state?: string };

/**
 * Parses `check[:SubjectKind[:state]]`; by default the run's first failure that is a known bug (with its
 * state), else its first failing error check with the subject kind.
 */
function targetOf(spec: string | undefined, failures: FailureSignature[]): Target {
  if (spec) {
    const [check, subjectKind, state] = spec.split(':') as [string, string | undefined, string | undefined];
    return { check, ...(subjectKind ? { subjectKind } : {}), ...(state ? { state } : {}) };
  }
  const known = classifyFailures(failures).find(
    (f) =>
      f.knownBug !== undefined &&
      KNOWN_BUGS.some((b) => b.signatures.some((s) => signatureKey(s) === signatureKey(f.signature))),
  );
  if (known) return { ...known.signature };
  const first = failures[0];
  if (!first) throw new Error('the run has no failing check to keep');
  return { check: first.check, subjectKind: first.subjectKind };
}

const matches = (target: Target, failures: FailureSignature[]) =>
  failures.some(
    (f) =>
      f.check === target.check &&
      (target.subjectKind === undefined || f.subjectKind === target.subjectKind) &&
      (target.state === undefined || f.state === target.state),
  );

async function failuresOf(runDir: string): Promise<FailureSignature[]> {
  const events: HistoryEvent[] = [];
  for await (const event of readHistory(runDir)) if (event.type === 'watch') events.push(event);
  return failureSignatures(await readVerdict(runDir), subjectStates(events));
}

/**
 * What every try of a shrink runs with, from the failing run's record: the same components (a failure of
 * Longhorn's own code is shrunk on Longhorn's own code, a model's on the model) and the same bug set, as
 * edits of the version's defaults (none with the real manager: the simulated controllers' bugs are off).
 */
export function recordedSettings(
  meta: Pick<RunMeta, 'components' | 'longhorn'>,
): RecordedComponents & { simBugs: string[] } {
  const components = recordedComponents(meta);
  const simBugs =
    components.manager === 'real'
      ? []
      : bugEdits(meta.longhorn.version, meta.longhorn.bugs ?? [], {
          realBackingImageManager: components.bim === 'real',
        });
  return { ...components, simBugs };
}

const narrowedRequests = (narrow: Record<string, RequestAtom[]>): number | undefined => {
  const lists = Object.values(narrow);
  return lists.length === 0 ? undefined : lists.reduce((sum, list) => sum + list.length, 0);
};

export async function shrinkRun(options: ShrinkOptions): Promise<ShrinkReport> {
  const clock = options.clock ?? systemClock;
  const started = clock.monotonic();
  const log = options.onLog ?? (() => {});
  const source = await shrinkSource(options.runDir, undefined);
  const target = targetOf(options.target, await failuresOf(options.runDir));
  const profile = profileByName(source.meta.profile);
  const iterations =
    source.meta.scenarios.find((s) => s.name === source.scenario)?.iterations ?? profile.iterations;
  const { simBugs, ...components } = recordedSettings(source.meta);
  await mkdir(join(options.outDir, 'tries'), { recursive: true });
  await mkdir(join(options.outDir, 'candidates'), { recursive: true });
  const report: ShrinkReport = {
    version: 1,
    source: options.runDir,
    scenario: source.scenario,
    components,
    target,
    k: options.k,
    n: options.n,
    startedAt: new Date(clock.now()).toISOString(),
    elapsedMs: 0,
    reproduced: false,
    minimal: false,
    parts: { before: scheduleUnits(source.schedule), after: [] },
    decisions: {},
    rules: 0,
    proxyRules: 0,
    tries: [],
  };
  const save = async () => {
    report.elapsedMs = Math.round(clock.monotonic() - started);
    await writeJsonFileAtomic(join(options.outDir, 'shrink.json'), report);
  };
  const outOfTime = () => options.signal?.aborted === true || clock.monotonic() - started > options.budgetMs;

  /** One run of a candidate: does it show the target failure? */
  let candidates = 0;
  const tryOnce = async ({ kept, narrow }: Candidate<RequestAtom>, stage: SearchStage) => {
    const schedule = scheduleWith(source.schedule, kept, narrow);
    const requests = narrowedRequests(narrow);
    const schedulePath = join(options.outDir, 'candidates', `${String(++candidates).padStart(3, '0')}.json`);
    await writeJsonFileAtomic(schedulePath, schedule);
    // A try whose environment never came up judged nothing: it ends the shrink (stoppedBy), not a part.
    const result = await runToScenarios(options.run ?? runChaos, {
      env: 'local',
      envDir: options.envDir,
      profile,
      scenarios: [scheduleScenario(schedule)],
      seed: source.meta.seed,
      iterations,
      longhorn: source.meta.longhorn.version,
      bim: components.bim,
      manager: components.manager,
      simBugs,
      outDir: join(options.outDir, 'tries'),
      timeFactor: schedule.timeFactor,
      repro: options.reproFor(schedulePath),
      signal: options.signal,
      hurry: options.hurry,
      clock,
      onProgress: options.onRunProgress,
    });
    await writeScheduleRecord(result.runDir, schedule);
    const failed = !options.signal?.aborted && matches(target, await failuresOf(result.runDir));
    report.tries.push({
      stage,
      parts: kept,
      ...(requests !== undefined ? { requests } : {}),
      runDir: result.runDir,
      failed,
      verdict: String(result.verdict.valid),
    });
    await save();
    log(
      `${stage}: [${kept.join(', ')}]${requests !== undefined ? ` ${requests} request(s)` : ''}: ${failed ? 'fails' : 'does not fail'} (${result.runDir})`,
    );
    return failed;
  };

  try {
    const atoms = await unitAtoms(source);
    atoms.delete(SYNC_HAMMER);
    const search = await searchMinimal({
      units: report.parts.before,
      atoms,
      k: options.k,
      n: options.n,
      verify: { tries: options.verify, min: options.verifyMin },
      tryOnce,
      shouldStop: outOfTime,
      interrupted: () => options.signal?.aborted === true,
    });
    report.reproduced = search.reproduced.fails;
    if (!search.reproduced.fails) {
      report.stoppedBy = `the full schedule failed in ${search.reproduced.failures} of ${search.reproduced.tries} tries, fewer than ${options.k}`;
      return report;
    }
    const { kept, narrow } = search.result;
    report.parts.after = kept;
    report.decisions = search.decisions;
    report.minimal = search.minimal;
    if (!search.minimal) report.stoppedBy = options.signal?.aborted ? 'interrupted' : 'budget spent';
    if (search.verify) report.verify = { ...search.verify, min: options.verifyMin };
    if (search.otherVerify) report.otherVerify = search.otherVerify;
    const schedule = scheduleWith(source.schedule, kept, narrow);
    schedule.description = `shrunk from ${source.meta.runId} (${source.scenario}): keeps ${target.check}${target.subjectKind ? ` on ${target.subjectKind}` : ''}${target.state ? ` (${target.state})` : ''}`;
    report.schedulePath = join(options.outDir, 'minimal-schedule.json');
    await writeJsonFileAtomic(report.schedulePath, schedule);
    report.repro = options.reproFor(report.schedulePath);
    report.rules = kept.filter((unit) => unit !== SYNC_HAMMER).length;
    report.proxyRules =
      scheduleScenario(schedule).rules({ T: 1000, timeFactor: 1, syncResolutionMs: 1000, bimT: 1000 })
        .length + scheduleScenario(schedule).triggers.filter((t) => t.rule !== undefined).length;
    return report;
  } catch (error) {
    report.stoppedBy = describeError(error);
    return report;
  } finally {
    report.finishedAt = new Date(clock.now()).toISOString();
    await save();
  }
}
