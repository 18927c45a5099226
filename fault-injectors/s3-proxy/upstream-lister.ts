// Exact CommonPrefix answers: lists the upstream under a prefix with the proxy's own credentials (minio-js),
// directly, so these requests are neither faulted nor logged. Optional: without credentials the proxy
// answers from its record.
import * as Minio from 'minio';
import type { UpstreamLister } from './listing.js';

export interface UpstreamCredentials {
  accessKey: string;
  secretKey: string;
  /** Default us-east-1. */
  region?: string;
}

export function minioLister(upstream: URL, credentials: UpstreamCredentials): UpstreamLister {
  const client = new Minio.Client({
    endPoint: upstream.hostname,
    port: Number(upstream.port || 80),
    useSSL: false,
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    region: credentials.region ?? 'us-east-1',
    pathStyle: true,
  });
  return {
    async *keysUnder(bucket, prefix) {
      // Leaving the loop early (first visible key) destroys the stream and stops the listing.
      for await (const item of client.listObjectsV2(bucket, prefix, true) as AsyncIterable<{
        name?: string;
      }>) {
        if (item.name !== undefined) yield item.name;
      }
    },
  };
}
