// The file names of a run record directory (docs/design.md#run-record).
export const RECORD_FILES = {
  meta: 'meta.json',
  history: 'history.jsonl',
  verdict: 'verdict.json',
  decisions: 'faults.jsonl',
  junit: 'junit.xml',
  html: 'report.html',
  /** Which (fault type, key class, object state) cells the run's faults acted on (suites/explore). */
  coverage: 'coverage.json',
} as const;
