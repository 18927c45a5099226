// The S3 co-load's public surface: run the k6 mix beside the system backups and judge its thresholds.
import { fileURLToPath } from 'node:url';
export { runK6, K6_THRESHOLDS_FAILED, type RunK6Result } from './runner.js';
export { DEFAULT_SCRIPT, type RunK6Options, type CoLoadThresholds, type LoadOp } from './options.js';
export { coLoadCheck, type CoLoadCheck } from './check.js';
export { readSummary, type CoLoadSummary } from './summary.js';

/** The k6 script that prints SigV4 headers for given requests (used by the signer's test). */
export const SIGN_REQUESTS_SCRIPT = fileURLToPath(new URL('./scripts/sign-requests.ts', import.meta.url));
