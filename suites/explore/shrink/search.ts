// The shrink search, apart from the runs it makes: over a failing schedule's fault parts, then over each
// remaining rule's decisions, then a replay of the result that must fail often enough to be a repro
// worth handing on. `shrink.ts` gives it a `tryOnce` that makes a real run; the tests give it a fake.
import { ddmin, kOfN, type TrialOutcome } from './ddmin.js';

export type SearchStage = 'check' | 'parts' | 'decisions' | 'verify';

/** A schedule as shrink sees it: the parts kept, and per part the only requests it acts on. */
export interface Candidate<A> {
  kept: string[];
  narrow: Record<string, A[]>;
}

export interface SearchOptions<A> {
  units: string[];
  /** Per part, the requests it acted on in the failing run; a part absent here is never narrowed. */
  atoms: ReadonlyMap<string, A[]>;
  /** Parts and narrowing: a candidate fails when k of n tries show the target. */
  k: number;
  n: number;
  /** Replays of the result; it is a repro when at least `min` of `tries` fail (tries 0: no replay). */
  verify: { tries: number; min: number };
  /** One run of a candidate: did it show the target failure? */
  tryOnce: (candidate: Candidate<A>, stage: SearchStage) => Promise<boolean>;
  /** Checked before each try of the parts and decisions stages: true ends shrinking with what it has. */
  shouldStop: () => boolean;
  /** Checked before each replay: true (an interrupt) ends the replays too. */
  interrupted: () => boolean;
}

export interface VerifyOutcome {
  tries: number;
  failures: number;
  /** Whether the replayed schedule was the narrowed one (false: every kept part whole). */
  narrowed: boolean;
}

export interface SearchResult<A> {
  reproduced: TrialOutcome;
  /** Parts kept after the parts stage, before narrowing dropped any. */
  partsKept: string[];
  result: Candidate<A>;
  /** Per narrowed part: requests before and after; `whole` when the part stayed unnarrowed. */
  decisions: Record<string, { before: number; after: number; whole?: true }>;
  /** False when `shouldStop` ended a stage early. */
  minimal: boolean;
  /** The replays of the result. */
  verify?: VerifyOutcome;
  /**
   * When the narrowed result's replays fell short: the replays of the other schedule (the kept parts whole,
   * or the narrowed one when the whole parts did no better and it stayed the result).
   */
  otherVerify?: VerifyOutcome;
}

/**
 * Replays up to `tries` times, stopping once `min` failures are out of reach: a result that will fall
 * short is known early, so the fallback starts sooner.
 */
async function replay(
  tryOnce: () => Promise<boolean>,
  tries: number,
  min: number,
  interrupted: () => boolean,
) {
  let failures = 0;
  let done = 0;
  while (done < tries && failures + (tries - done) >= min && !interrupted()) {
    if (await tryOnce()) failures++;
    done++;
  }
  return { tries: done, failures };
}

const hasNarrowing = (narrow: Record<string, unknown[]>) => Object.keys(narrow).length > 0;

export async function searchMinimal<A>(options: SearchOptions<A>): Promise<SearchResult<A>> {
  const { k, n, tryOnce, shouldStop } = options;
  const trial = (candidate: Candidate<A>, stage: SearchStage, need = k) =>
    kOfN(() => tryOnce(candidate, stage), need, n);
  const reproduced = await trial({ kept: options.units, narrow: {} }, 'check');
  const result: SearchResult<A> = {
    reproduced,
    partsKept: [],
    result: { kept: [], narrow: {} },
    decisions: {},
    minimal: false,
  };
  if (!reproduced.fails) return result;

  const parts = await ddmin(options.units, (kept) => trial({ kept, narrow: {} }, 'parts'), { shouldStop });
  let kept = parts.result;
  result.partsKept = kept;
  let minimal = parts.minimal;
  const narrow: Record<string, A[]> = {};
  for (const unit of result.partsKept) {
    const all = options.atoms.get(unit);
    if (!all || all.length === 0) continue;
    const whole = () => (result.decisions[unit] = { before: all.length, after: all.length, whole: true });
    if (shouldStop()) {
      minimal = false;
      whole();
      continue;
    }
    // A narrowed candidate must fail in every one of its n tries, not k: a rule cut down to single
    // requests hangs on their order and count, which vary from run to run, and a narrowing that fails
    // only now and then is a worse repro than the rule whole. Narrowed to every request it acted on, a rule
    // is already not the rule whole, and ddmin starts from a failing set: so that set is tried first.
    const narrowedTo = (requests: A[]) =>
      trial({ kept, narrow: { ...narrow, [unit]: requests } }, 'decisions', n);
    if (!(await narrowedTo(all)).fails) {
      whole();
      continue;
    }
    const requests = await ddmin(all, narrowedTo, { shouldStop });
    minimal &&= requests.minimal;
    result.decisions[unit] = { before: all.length, after: requests.result.length };
    if (requests.result.length === 0) kept = kept.filter((u) => u !== unit);
    else narrow[unit] = requests.result;
  }
  result.minimal = minimal;
  result.result = { kept, narrow };

  const { tries, min } = options.verify;
  if (tries === 0 || options.interrupted()) return result;
  const verifyOf = async (candidate: Candidate<A>): Promise<VerifyOutcome> => ({
    ...(await replay(() => tryOnce(candidate, 'verify'), tries, min, options.interrupted)),
    narrowed: hasNarrowing(candidate.narrow),
  });
  result.verify = await verifyOf(result.result);
  // A narrowing that passed its n tries may still fail too rarely over more replays; the kept parts whole
  // are what failed k of n in the parts stage, so they are the repro to fall back on.
  if (result.verify.failures < min && hasNarrowing(narrow) && !options.interrupted()) {
    const wholeParts: Candidate<A> = { kept, narrow: {} };
    const fallback = await verifyOf(wholeParts);
    if (fallback.failures < result.verify.failures) result.otherVerify = fallback;
    else {
      result.otherVerify = result.verify;
      result.verify = fallback;
      result.result = wholeParts;
      for (const unit of Object.keys(narrow)) {
        const before = result.decisions[unit]?.before ?? 0;
        result.decisions[unit] = { before, after: before, whole: true };
      }
    }
  }
  return result;
}
