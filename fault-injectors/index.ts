// Fault injectors, usable on their own: the S3-aware fault proxy (library, client, rule interface).
export * from './s3-proxy/index.js';
