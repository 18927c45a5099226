// The run record on disk: a streaming writer for the runner and readers for the reports.
export { RunRecordWriter } from './writer.js';
export { readHistory, readDecisions, readMeta, readVerdict, type DecisionLine } from './reader.js';
export { RECORD_FILES } from './files.js';
