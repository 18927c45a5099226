// The proxy benchmark's measurements: throughput of concurrent 4 MiB PUT/GET, per-request latency of HEAD and
// LIST, each taken against an endpoint (MinIO directly, or the proxy in front of it).
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface Throughput {
  bytes: number;
  seconds: number;
  mibPerSecond: number;
}

export interface Percentiles {
  samples: number;
  p50: number;
  p99: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { samples: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)) };
}

/** Median, min and max of repeated measurements: the spread says how far one run's figure can be trusted. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[], digits = 3): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    median: round(median, digits),
    min: round(sorted[0] ?? NaN, digits),
    max: round(sorted[sorted.length - 1] ?? NaN, digits),
  };
}

export const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** `clients` concurrent clients, each PUTting (then GETting) `perClient` objects of `body.length` bytes. */
export async function throughput(
  clients: S3Client[],
  bucket: string,
  prefix: string,
  body: Buffer,
  perClient: number,
): Promise<{ put: Throughput; get: Throughput }> {
  const total = clients.length * perClient * body.length;
  let started = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; i < perClient; i++) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${c}/${i}`, Body: body }));
      }
    }),
  );
  const put = rate(total, performance.now() - started);
  started = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; i < perClient; i++) {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}/${c}/${i}` }));
        let n = 0;
        for await (const chunk of res.Body as AsyncIterable<Uint8Array>) n += chunk.length;
        if (n !== body.length)
          throw new Error(`GET ${prefix}/${c}/${i}: ${n} bytes, expected ${body.length}`);
      }
    }),
  );
  return { put, get: rate(total, performance.now() - started) };
}

function rate(bytes: number, ms: number): Throughput {
  return { bytes, seconds: round(ms / 1000), mibPerSecond: round(bytes / 1024 / 1024 / (ms / 1000), 1) };
}

/** Latency of one request, in ms, `samples` times in a row. */
export async function latencies(samples: number, request: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await request();
    out.push(performance.now() - started);
  }
  return out;
}

export const head = (client: S3Client, bucket: string, key: string) => () =>
  client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
export const list = (client: S3Client, bucket: string, prefix: string) => () =>
  client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
