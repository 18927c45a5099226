// The harness: the history (ids, times, listeners), paced time, verdict composition, the seeded schedule and run loop.
export { History, type HistoryOptions, type HistorySink } from './history.js';
export { worst, worstOf, composeVerdict, mergeVerdicts, checkSafe, crashedCheck } from './verdict.js';
export { HistoryTap, OpRecorder, type HistoryListener } from './tap.js';
export { chaosEnv, readChaosEnv, parseDuration, type ChaosEnv } from './env.js';
export { wilsonInterval, soakSummary, type RateEstimate, type SoakSummary } from './stats.js';
export {
  Pacer,
  intervalShare,
  MIN_DEMAND_CPUS,
  PACE_FLOOR,
  PACE_SAMPLE_INTERVAL_MS,
  type PacerOptions,
  type IntervalShare,
} from './pace.js';
export { PaceTimeline } from './pace-timeline.js';
export {
  procSchedstat,
  schedstatAvailable,
  parseSchedstat,
  type SchedstatSource,
  type ThreadCounters,
} from './schedstat.js';
