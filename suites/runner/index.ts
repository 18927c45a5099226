// The runner: composes a chaos run (target, observer, scenarios in phases, record, verdict).
export {
  runChaos,
  makeRunId,
  exitCodeFor,
  type ChaosRunOptions,
  type ChaosRunResult,
  type RunProgress,
  type RunPhase,
} from './run.js';
export { judgeRun, type HistorySource } from './check.js';
export { recheckRun, type RecheckResult } from './recheck.js';
export {
  SCENARIOS,
  scenarioByName,
  plannedOrigins,
  KEYS,
  type Scenario,
  type ReactiveTrigger,
} from './scenarios.js';
export { PROFILES, profileByName, type Profile } from './profiles.js';
export { TaskStack } from './tasks.js';
export { progressWriter, type ProgressWriter } from './progress.js';
export { openKubeTarget, openLocalTarget, type RunTarget, type StoreAccess } from './target.js';
export { checkReusedEnvironment, type ReusedEnvironmentOptions } from './reused-env.js';
export {
  openKubeAccess,
  collectKubeArtifacts,
  type KubeAccess,
  type KubeAccessOptions,
} from './kube-access.js';
export { FaultController } from './faults.js';
export { runScenario, type ScenarioOutcome } from './run-scenario.js';
export { buildReplayRules, keyPattern, type ReplayPlan } from './replay.js';
export { findingsInPlainWords } from './explain.js';
export {
  resolveRunOptions,
  reproCommand,
  withSchedule,
  toolsForRun,
  DEFAULT_CLUSTER_DIR,
  type RunFlags,
  type ResolvedRunOptions,
} from './options.js';
export { soakReport, soakLine, type SoakReport } from './soak.js';
export {
  SCHEDULE_FILE,
  parseSchedule,
  loadScheduleFile,
  scheduleScenario,
  narrowRule,
  firingName,
  ruleOrigin,
  writeScheduleRecord,
  readScheduleRecord,
  type ScheduleFile,
  type ScheduleRule,
  type ScheduleArm,
  type RequestAtom,
} from './schedule-file.js';
