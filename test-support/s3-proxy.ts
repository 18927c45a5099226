// The S3 fault proxy for tests of folders that may not import fault-injectors/ themselves (load/):
// start it in a before hook in front of a test MinIO and close() it in after.
export { startS3Proxy, type S3Proxy, type S3ProxyOptions } from '../fault-injectors/index.js';
