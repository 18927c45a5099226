// Delta debugging (Zeller and Hildebrandt's ddmin) over a list of parts, with a test that may be
// nondeterministic: a candidate "still fails" only when it failed in k of n tries. The result is 1-minimal
// as far as the budget allowed: removing any single part of it no longer fails k of n times.

/** The outcome of trying one candidate up to n times. */
export interface TrialOutcome {
  fails: boolean;
  failures: number;
  tries: number;
}

/**
 * Tries up to `n` times and stops as soon as the answer is settled: k failures seen (fails), or too few
 * tries left to reach k (does not fail).
 */
export async function kOfN(
  tryOnce: (attempt: number) => Promise<boolean>,
  k: number,
  n: number,
): Promise<TrialOutcome> {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 1 && k <= n))
    throw new RangeError(`k of n: need 1 <= k <= n, got ${k} of ${n}`);
  let failures = 0;
  let tries = 0;
  while (tries < n && failures < k && failures + (n - tries) >= k) {
    if (await tryOnce(tries)) failures++;
    tries++;
  }
  return { fails: failures >= k, failures, tries };
}

export interface DdminStep<T> {
  candidate: T[];
  outcome: TrialOutcome;
  /** Whether this candidate was tested now or taken from an earlier test of the same subset. */
  cached: boolean;
}

export interface DdminOptions<T> {
  /** Called after each candidate. */
  onStep?: (step: DdminStep<T>) => void;
  /** Checked before each test: true stops the search with the smallest failing candidate so far. */
  shouldStop?: () => boolean;
}

export interface DdminResult<T> {
  result: T[];
  /** Candidates tested (not counting cached answers). */
  tests: number;
  /** False when `shouldStop` ended the search before the result was 1-minimal. */
  minimal: boolean;
}

function split<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    out.push(items.slice(start, end));
    start = end;
  }
  return out.filter((chunk) => chunk.length > 0);
}

/**
 * The smallest sublist of `items` (order kept) for which `test` still fails, assuming `items` itself fails.
 * The empty list is tried last, so a failure that needs no part at all ends with [].
 */
export async function ddmin<T>(
  items: T[],
  test: (candidate: T[]) => Promise<TrialOutcome>,
  options: DdminOptions<T> = {},
): Promise<DdminResult<T>> {
  const cache = new Map<string, TrialOutcome>();
  const index = new Map(items.map((item, i) => [item, i]));
  let tests = 0;
  let stopped = false;
  const fails = async (candidate: T[]): Promise<boolean> => {
    const key = candidate.map((item) => index.get(item)).join(',');
    const known = cache.get(key);
    if (known) {
      options.onStep?.({ candidate, outcome: known, cached: true });
      return known.fails;
    }
    if (options.shouldStop?.()) {
      stopped = true;
      return false;
    }
    const outcome = await test(candidate);
    tests++;
    cache.set(key, outcome);
    options.onStep?.({ candidate, outcome, cached: false });
    return outcome.fails;
  };
  let current = [...items];
  let n = 2;
  while (current.length >= 2 && !stopped) {
    const chunks = split(current, Math.min(n, current.length));
    let reduced = false;
    for (const chunk of chunks) {
      if (await fails(chunk)) {
        current = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (const chunk of chunks) {
        const complement = current.filter((item) => !chunk.includes(item));
        if (await fails(complement)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (reduced) continue;
    if (n >= current.length) break;
    n = Math.min(2 * n, current.length);
  }
  if (current.length === 1 && !stopped && (await fails([]))) current = [];
  return { result: current, tests, minimal: !stopped };
}
