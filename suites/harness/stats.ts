// Soak statistics for qualification runs: a failure rate with a Wilson score interval (honest at small
// counts and at 0 or n failures, unlike the normal approximation) and the time to the first failure.

export interface RateEstimate {
  failures: number;
  trials: number;
  rate: number;
  /** Wilson score interval at the given confidence. */
  low: number;
  high: number;
  confidence: number;
}

const Z_BY_CONFIDENCE: Record<string, number> = { '0.9': 1.6449, '0.95': 1.96, '0.99': 2.5758 };

export function wilsonInterval(failures: number, trials: number, confidence = 0.95): RateEstimate {
  if (!Number.isInteger(failures) || !Number.isInteger(trials) || failures < 0 || failures > trials) {
    throw new RangeError(`wilsonInterval: need integers 0 <= failures <= trials, got ${failures}/${trials}`);
  }
  const z = Z_BY_CONFIDENCE[String(confidence)];
  if (z === undefined) throw new RangeError(`wilsonInterval: confidence must be 0.9, 0.95 or 0.99`);
  if (trials === 0) return { failures, trials, rate: 0, low: 0, high: 1, confidence };
  const p = failures / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return {
    failures,
    trials,
    rate: p,
    low: Math.max(0, centre - half),
    high: Math.min(1, centre + half),
    confidence,
  };
}

export interface SoakSummary extends RateEstimate {
  /** Milliseconds from the run's start to the first failing iteration's end; null when none failed. */
  timeToFirstFailureMs: number | null;
  /** Iteration number of the first failure; null when none failed. */
  firstFailingIteration: number | null;
}

/** Summarises per-iteration outcomes (`unknown` iterations are not counted as trials). */
export function soakSummary(
  outcomes: { iteration: number; valid: boolean | 'unknown'; endedAtMs: number }[],
  confidence = 0.95,
): SoakSummary {
  const decided = outcomes.filter((o) => o.valid !== 'unknown');
  const failed = decided.filter((o) => o.valid === false).sort((a, b) => a.endedAtMs - b.endedAtMs);
  return {
    ...wilsonInterval(failed.length, decided.length, confidence),
    timeToFirstFailureMs: failed[0]?.endedAtMs ?? null,
    firstFailingIteration: failed[0]?.iteration ?? null,
  };
}
