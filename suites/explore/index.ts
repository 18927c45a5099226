// Exploration: the coverage model computed from a run record, the schedule generator aimed at uncovered
// cells, the exploration loop with its summary and gate, and shrink (delta debugging of a failing schedule).
export {
  computeRunCoverage,
  coverageFromRecord,
  mergeCoverage,
  coverageFigure,
  CoverageTally,
} from './coverage/compute.js';
export {
  coverageOfDir,
  runRecordsIn,
  sideBySide,
  type CoverageGroup,
  type SideBySideRow,
} from './coverage/collect.js';
export {
  FAULT_TYPES,
  KEY_CLASSES,
  allCells,
  cellId,
  classifyKey,
  type Cell,
  type FaultType,
  type KeyClass,
} from './coverage/model.js';
export { generateSchedule, pickTargets, emptyGeneratorState, type GeneratorState } from './generate.js';
export {
  KNOWN_BUGS,
  classifyFailures,
  failureSignatures,
  subjectStates,
  signatureKey,
  type FailureSignature,
  type KnownBug,
} from './failures.js';
export { runExplore, type ExploreOptions, type ExploreResult } from './explore.js';
export { judgeExploration } from './gate.js';
export {
  EXPLORE_FILE,
  failureLines,
  type ExploreSummary,
  type ExploreRunEntry,
  type FailureGroup,
} from './summary.js';
export { ddmin, kOfN, type TrialOutcome, type DdminResult } from './shrink/ddmin.js';
export {
  recordedSettings,
  shrinkRun,
  type ShrinkOptions,
  type ShrinkReport,
  type ShrinkTry,
} from './shrink/shrink.js';
export {
  scheduleUnits,
  scheduleWith,
  unitAtoms,
  generalize,
  shrinkSource,
  SYNC_HAMMER,
} from './shrink/plan.js';
