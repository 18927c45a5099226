// A real MinIO for tests that need only S3 (the fault proxy's): free ports, fresh credentials and a
// bucket, in a temp dir that stop() removes.
import { startStandaloneMinio, type StandaloneMinio } from '../fixtures/local/index.js';

export type TestMinio = StandaloneMinio;

/** Starts MinIO with bucket `backupbucket` (or `bucket`); call `stop()` in an after/afterEach hook. */
export function startMinio(options: { bucket?: string } = {}): Promise<TestMinio> {
  return startStandaloneMinio(options);
}
