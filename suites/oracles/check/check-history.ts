// checkHistory: one pass over a history (live or read back from history.jsonl) feeding every streaming
// checker, then the gap rule and composition into a three-valued Verdict. Memory grows with the number of
// objects, rules and gaps, never with the number of events.
import { UsageError } from '../../../common/index.js';
import type { CheckResult, HistoryEvent, Verdict } from '../../../record/index.js';
import { PaceTimeline, composeVerdict, crashedCheck } from '../../harness/index.js';
import type { CheckOptions, Finding, StreamingChecker } from './checker.js';
import { GapLog, applyGaps, toCheckResult } from './checker.js';
import { BbiOutcome, RecoversAfterHeal, SystemBackupReady } from './completion.js';
import { FaultsFired } from './faults-fired.js';
import { ProgressMonotonic } from './progress.js';
import { RaceWitness } from './race-witness.js';
import { StoreAgrees } from './store-agrees.js';
import { StoredBbiKept } from './stored-bbi-kept.js';
import { NoStuckState } from './stuck.js';
import { ClusterView } from './view.js';
import { WaitHonoured } from './wait-honoured.js';

/** The checkers that judge a run of the given fault class (docs/design.md#invariants). */
export function checkersFor(options: CheckOptions): StreamingChecker[] {
  // Safety holds under every fault: no stall, monotonic progress, a Completed BBI has a complete cfg
  // in the store (under resets this is the post-fix hazard of docs/longhorn.md#progress-and-status: Completed over an orphaned,
  // incomplete cfg), a SystemBackup waits for its BBIs, and a stored, Completed BBI is not dropped. Liveness differs: benign faults must let everything finish; destructive ones must let
  // everything end and the system recover after the heal.
  const common = [
    new NoStuckState(options.stallWindowMs),
    new ProgressMonotonic(),
    new StoreAgrees(),
    new WaitHonoured(),
    new StoredBbiKept(),
    new RaceWitness(),
    new FaultsFired(options.faultClass),
  ];
  if (options.faultClass === 'destructive')
    return [...common, new BbiOutcome(false), new RecoversAfterHeal()];
  return [...common, new BbiOutcome(true), new SystemBackupReady()];
}

function validate(options: CheckOptions): void {
  if (!Number.isFinite(options.stallWindowMs) || options.stallWindowMs <= 0) {
    throw new UsageError(
      `stallWindowMs must be a positive number of milliseconds, got ${options.stallWindowMs}`,
    );
  }
  if (!['none', 'benign', 'destructive'].includes(options.faultClass)) {
    throw new UsageError(`faultClass must be none, benign or destructive, got ${String(options.faultClass)}`);
  }
}

/** Checks a history against the invariants of its fault class; `checkers` replaces the default set (tests). */
export async function checkHistory(
  events: AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>,
  options: CheckOptions,
  checkers: StreamingChecker[] = checkersFor(options),
): Promise<Verdict> {
  validate(options);
  const view = new ClusterView();
  const gaps = new GapLog();
  const pace = new PaceTimeline();
  const crashed = new Map<StreamingChecker, unknown>();
  let lastEventId = 0;
  let lastT = 0;
  for await (const event of events) {
    // Paced time is the whole run's, whichever scenario was current when a sample was taken.
    if (event.type === 'pace') {
      pace.add(event.t, event.pacedMs, event.share);
      continue;
    }
    if (options.scenario !== undefined && event.scenario !== options.scenario) continue;
    lastEventId = event.id;
    lastT = Math.max(lastT, event.t);
    if (event.type === 'gap') gaps.add(event);
    const change = event.type === 'watch' ? view.apply(event) : undefined;
    for (const checker of checkers) {
      if (crashed.has(checker) || !checker.observe) continue;
      try {
        checker.observe(event, change, view);
      } catch (error) {
        crashed.set(checker, error);
      }
    }
  }
  const context = { view, endT: options.endT ?? lastT, lastEventId, gaps, options, pace };
  const findings: Finding[] = [];
  for (const checker of checkers) {
    const name = checker.names[0] ?? 'checker';
    const { property } = checker;
    const error = crashed.get(checker);
    if (error !== undefined) {
      findings.push({ ...crashedCheck(name, error), property });
      continue;
    }
    try {
      findings.push(...checker.finish(context).map((finding) => ({ ...finding, property })));
    } catch (finishError) {
      findings.push({ ...crashedCheck(name, finishError), property });
    }
  }
  findings.push(...observerGaps(gaps));
  const checks: CheckResult[] = applyGaps(findings, gaps).map((f) => ({
    ...toCheckResult(f),
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
  }));
  return composeVerdict(checks);
}

/** A warning listing the observer's gaps, so a reader sees why passes turned into unknowns. */
function observerGaps(gaps: GapLog): Finding[] {
  if (gaps.gaps.length === 0) {
    return [
      {
        name: 'observer-gaps',
        valid: true,
        severity: 'warn',
        message: 'the observer saw every watched kind without a gap',
        evidence: [],
      },
    ];
  }
  const described = gaps.gaps.map((g) => `${g.kind} t=${g.from}..${g.t} (${g.reason})`);
  return [
    {
      name: 'observer-gaps',
      valid: false,
      severity: 'warn',
      message: `the observer may have missed events in ${gaps.gaps.length} gap(s): ${described.join('; ')}`,
      evidence: gaps.gaps.map((g) => g.id),
    },
  ];
}
