// Reports: the run record writer/reader, and JUnit, HTML and terminal renderings made from the record only.
export {
  RunRecordWriter,
  readHistory,
  readDecisions,
  readMeta,
  readVerdict,
  RECORD_FILES,
  type DecisionLine,
} from './record/index.js';
export { renderReports, type RenderOptions } from './render.js';
export { terminalSummary } from './summary/summary.js';
