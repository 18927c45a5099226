// The file names of a run record directory (docs/design.md#run-record).
export const RECORD_FILES = {
  meta: 'meta.json',
  history: 'history.jsonl',
  verdict: 'verdict.json',
  decisions: 'faults.jsonl',
  junit: 'junit.xml',
  html: 'report.html',
} as const;
