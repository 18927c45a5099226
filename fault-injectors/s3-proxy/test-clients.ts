// Helpers for the proxy's own tests: S3 clients (AWS SDK v3, minio-js) for an endpoint, and deterministic
// test bytes. Not exported from index.ts: it needs dev dependencies the proxy itself does not.
import { S3Client } from '@aws-sdk/client-s3';
import * as Minio from 'minio';
import { SeededRandom } from '../../common/index.js';

export interface S3Credentials {
  region: string;
  accessKey: string;
  secretKey: string;
}

const MiB = 1024 * 1024;

export function s3Client(
  endpoint: string,
  creds: S3Credentials,
  options: { requestTimeoutMs?: number } = {},
): S3Client {
  return new S3Client({
    endpoint,
    region: creds.region,
    forcePathStyle: true,
    credentials: { accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey },
    maxAttempts: 1,
    // Options of the SDK's node http handler, given as a plain object (no direct @smithy import).
    requestHandler: {
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: options.requestTimeoutMs !== undefined,
      httpAgent: { keepAlive: true, maxSockets: 64 },
    },
  });
}

export function minioClient(endpoint: string, creds: S3Credentials, partSize = 5 * MiB): Minio.Client {
  const url = new URL(endpoint);
  return new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: creds.accessKey,
    secretKey: creds.secretKey,
    region: creds.region,
    pathStyle: true,
    partSize,
  });
}

/** Deterministic, non-repeating test bytes: a seeded 64 KiB block, each copy stamped with its index. */
export function testBytes(size: number, seed: number): Buffer {
  const block = Buffer.alloc(64 * 1024);
  const random = new SeededRandom(seed);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE(random.int(0, 0xffffffff), i);
  const out = Buffer.alloc(size);
  for (let offset = 0, n = 0; offset < size; offset += block.length, n++) {
    block.copy(out, offset);
    if (offset + 4 <= size) out.writeUInt32LE(n, offset);
  }
  return out;
}

export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
