// Profiles: which scenarios a run plays, how many iterations each, the time factor and the budget.
import { UsageError } from '../../common/index.js';

export interface Profile {
  name: 'smoke' | 'nightly' | 'qualification' | 'repro' | 'explore';
  description: string;
  scenarios: string[];
  /** Iterations in the faults phase of each scenario. */
  iterations: number;
  /** Fault-free iterations before the faults phase. */
  baselineIterations: number;
  /** Factor applied by the simulator to Longhorn's timings (local mode). */
  timeFactor: number;
  /** Wall-clock budget of the whole run; iterations stop early when it runs out. */
  budgetMs: number;
  /** Stall window in Longhorn seconds (scaled by the time factor). */
  stallWindowT: number;
  /**
   * `spec.pollInterval` of BackupTarget default (a Go duration; Longhorn's default is 300s). The model
   * scales it by the time factor; the real manager runs it as it is. A scenario may set its own.
   */
  pollInterval: string;
  verbose: boolean;
  /** Soak statistics (failure rate with a Wilson interval, time to first failure). */
  soak: boolean;
}

/** Every scenario that gates a release (probes such as `list-errors` and calibrations such as `misaimed` do not). */
const GATING_SCENARIOS = [
  'partial-sync',
  'stale-listing',
  'delete-lag',
  'latency',
  'throttle',
  'errors',
  'bim-restart',
] as const;

export const PROFILES: Record<Profile['name'], Profile> = {
  smoke: {
    name: 'smoke',
    description: 'partial-sync only, 2 iterations, at most 2 minutes on the embedded environment',
    scenarios: ['partial-sync'],
    iterations: 2,
    baselineIterations: 0,
    timeFactor: 0.05,
    budgetMs: 120_000,
    stallWindowT: 120,
    pollInterval: '300s',
    verbose: false,
    soak: false,
  },
  nightly: {
    name: 'nightly',
    description: 'every scenario, 2 iterations each, with a baseline iteration; at most 15 minutes',
    scenarios: [...GATING_SCENARIOS],
    iterations: 2,
    baselineIterations: 1,
    timeFactor: 0.05,
    budgetMs: 15 * 60_000,
    stallWindowT: 120,
    pollInterval: '300s',
    verbose: false,
    soak: false,
  },
  qualification: {
    name: 'qualification',
    description:
      'long soak: every scenario, 25 iterations each (or --duration), failure rate with a 95% Wilson interval',
    scenarios: [...GATING_SCENARIOS],
    iterations: 25,
    baselineIterations: 1,
    timeFactor: 0.1,
    budgetMs: 4 * 3_600_000,
    stallWindowT: 120,
    pollInterval: '300s',
    verbose: false,
    soak: true,
  },
  explore: {
    name: 'explore',
    description:
      'exploration for the nightly gate (lhchaos explore): generated schedules aimed at uncovered coverage cells for ' +
      'a fixed 10 minutes, one iteration each; known bugs fail, new failures are unknown findings to triage',
    // Explore generates its schedules; it plays no named scenario.
    scenarios: [],
    iterations: 1,
    baselineIterations: 0,
    timeFactor: 0.05,
    budgetMs: 10 * 60_000,
    stallWindowT: 120,
    pollInterval: '300s',
    verbose: false,
    soak: false,
  },
  repro: {
    name: 'repro',
    description: 'one scenario (partial-sync unless --scenario), one seed, verbose, 1 iteration',
    scenarios: ['partial-sync'],
    iterations: 1,
    baselineIterations: 0,
    timeFactor: 0.05,
    budgetMs: 10 * 60_000,
    stallWindowT: 120,
    pollInterval: '300s',
    verbose: true,
    soak: false,
  },
};

export function profileByName(name: string): Profile {
  if (!Object.hasOwn(PROFILES, name)) {
    throw new UsageError(`--profile: unknown profile '${name}'; valid: ${Object.keys(PROFILES).join(', ')}`);
  }
  return PROFILES[name as Profile['name']];
}
