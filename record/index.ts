// The run record: its shapes (history events, verdict, meta), a streaming writer for the runner and
// readers for everything that judges or renders a finished run. The bottom layer: it imports only common/.
export type * from './shapes.js';
export { RunRecordWriter, replaceVerdict, writeCoverage } from './writer.js';
export {
  readHistory,
  readDecisions,
  readMeta,
  readVerdict,
  readCoverage,
  type DecisionLine,
} from './reader.js';
export { RECORD_FILES } from './files.js';
export { recordedComponents, type RecordedComponents } from './components.js';
export { RUN_LABEL, SCENARIO_LABEL, ITERATION_LABEL } from './labels.js';
