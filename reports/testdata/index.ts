// Test records for reports' tests and benchmarks (not used by runs).
export { writeRaceRecord, SCENARIO, BIM_LOG, type RecordOptions } from './records.js';
export { HistoryBuilder } from './builder.js';
export { launchChromium, CHROMIUM_PATH } from './browser.js';
