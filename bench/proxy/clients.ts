// The benchmark's S3 clients and payload: AWS SDK v3 with a keep-alive agent, and seeded bytes.
import { S3Client } from '@aws-sdk/client-s3';
import { SeededRandom } from '../../common/index.js';

export interface S3Credentials {
  region: string;
  accessKey: string;
  secretKey: string;
}

export function s3Client(endpoint: string, creds: S3Credentials): S3Client {
  return new S3Client({
    endpoint,
    region: creds.region,
    forcePathStyle: true,
    credentials: { accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey },
    maxAttempts: 1,
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: 64 } },
  });
}

/** `size` bytes from a seeded 64 KiB block repeated (payload content does not matter, only its size). */
export function payload(size: number, seed: number): Buffer {
  const block = Buffer.alloc(64 * 1024);
  const random = new SeededRandom(seed);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE(random.int(0, 0xffffffff), i);
  const out = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += block.length) block.copy(out, offset);
  return out;
}
