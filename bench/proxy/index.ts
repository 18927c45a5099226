// Fault proxy benchmark: MinIO directly, through Toxiproxy (no toxics) and through `lhchaos proxy` (no rules),
// side by side in one run, then the achieved delay of a 100 ms latency rule. Writes bench/out/proxy.json and
// prints a table. Run: npm run bench:proxy -- [--objects N] [--rounds N] [--samples N] [--size-mib N] [--out DIR]
// Aims (bench/proxy/README.md): throughput >= 0.9 of direct and >= Toxiproxy's ratio; added HEAD/LIST p50
// within 0.5 ms of Toxiproxy's; the 100 ms rule within 5 ms at p99.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ProxyClient, type RuleSpec } from '../../fault-injectors/index.js';
import { startMinio } from '../../test-support/minio.js';
import { payload, s3Client } from './clients.js';
import { cpuSeconds, startLhchaosProxy, startToxiproxy, type ProxyProcess } from './endpoints.js';
import {
  head,
  latencies,
  list,
  percentiles,
  round,
  spread,
  throughput,
  type Percentiles,
  type Spread,
} from './measure.js';
import { formatTable } from './table.js';

export { formatTable } from './table.js';

export interface ProxyBenchOptions {
  /** Objects per client (8 clients) for each throughput round. */
  objects: number;
  /** Throughput rounds; each measures every endpoint, in a rotating order. Ratios are taken per round. */
  rounds: number;
  sizeMiB: number;
  /** HEAD/LIST samples per endpoint, and (a quarter of it) samples of the latency rule. */
  samples: number;
  outDir: string;
}

export const ENDPOINTS = ['direct', 'toxiproxy', 'proxy'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
type Proxied = Exclude<Endpoint, 'direct'>;

export interface ProxyBenchResult {
  options: ProxyBenchOptions;
  /** 1-minute load average at start and end: the machine is shared, figures are only comparable in a run. */
  loadAverage: { start: number; end: number };
  /** Median over rounds, MiB/s. */
  throughputMiBps: Record<Endpoint, { put: number; get: number }>;
  /** Throughput through a proxy / direct, round by round, median over rounds. One field per ratio. */
  ratios: { proxyPut: number; proxyGet: number; toxiproxyPut: number; toxiproxyGet: number };
  /** Min and max of each ratio over the rounds. */
  ratioSpread: Record<keyof ProxyBenchResult['ratios'], Spread>;
  latencyMs: Record<'head' | 'list', Record<Endpoint, Percentiles>>;
  /** Latency a proxy adds to a request: its percentile minus direct's, ms. */
  addedMs: Record<`${Proxied}${'Head' | 'List'}${'P50' | 'P99'}`, number>;
  /** Achieved delay of a 100 ms rule seen by the client, and inside the proxy (decision durationMs). */
  latencyRule: {
    delayMs: number;
    achieved: Percentiles;
    errorP99: number;
    inProxy: Percentiles;
    inProxyErrorP99: number;
  };
  /** CPU time of each proxy process per MiB it moved in the throughput rounds (null off Linux). */
  cpuMsPerMiB: Record<Proxied, number | null>;
  file: string;
}

const CLIENTS = 8;
/** HEAD/LIST samples are taken in batches that rotate over the endpoints, so load hits each alike. */
const BATCH = 10;

export async function runProxyBench(options: ProxyBenchOptions): Promise<ProxyBenchResult> {
  const loadAtStart = round(loadavg()[0]!, 2);
  const minio = await startMinio();
  const proxies: Partial<Record<Proxied, ProxyProcess>> = {};
  const clients: S3Client[] = [];
  try {
    proxies.proxy = await startLhchaosProxy(minio.endpoint);
    proxies.toxiproxy = await startToxiproxy(minio.endpoint);
    const urls: Record<Endpoint, string> = {
      direct: minio.endpoint,
      toxiproxy: proxies.toxiproxy.dataUrl,
      proxy: proxies.proxy.dataUrl,
    };
    const pool = {} as Record<Endpoint, S3Client[]>;
    for (const e of ENDPOINTS) {
      pool[e] = Array.from({ length: CLIENTS }, () => s3Client(urls[e], minio));
      clients.push(...pool[e]);
    }
    const bucket = minio.bucket;
    const body = payload(options.sizeMiB * 1024 * 1024, 1);

    // Warm-up every path (connections, JIT), then rounds in a rotating order: load from other processes
    // hits every endpoint alike, and each ratio compares figures of the same round.
    for (const e of ENDPOINTS) await throughput(pool[e], bucket, `warm-${e}`, body, 1);
    const cpu: Record<Proxied, number> = { proxy: 0, toxiproxy: 0 };
    const rounds: Record<Endpoint, { put: number; get: number }>[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const figures = {} as Record<Endpoint, { put: number; get: number }>;
      for (const e of rotate(ENDPOINTS, r)) {
        const pid = e === 'direct' ? undefined : proxies[e]!.child.pid;
        const before = cpuSeconds(pid);
        const t = await throughput(pool[e], bucket, `tp-${e}`, body, options.objects);
        const after = cpuSeconds(pid);
        if (e !== 'direct') cpu[e] += before === null || after === null ? NaN : after - before;
        figures[e] = { put: t.put.mibPerSecond, get: t.get.mibPerSecond };
      }
      rounds.push(figures);
    }
    const ratioOf = (e: Proxied, op: 'put' | 'get') => spread(rounds.map((x) => x[e][op] / x.direct[op]));
    const ratioSpread = {
      proxyPut: ratioOf('proxy', 'put'),
      proxyGet: ratioOf('proxy', 'get'),
      toxiproxyPut: ratioOf('toxiproxy', 'put'),
      toxiproxyGet: ratioOf('toxiproxy', 'get'),
    };

    const first = (e: Endpoint) => pool[e][0]!;
    await first('direct').send(new PutObjectCommand({ Bucket: bucket, Key: 'head/k', Body: 'x' }));
    for (let i = 0; i < 100; i++)
      await first('direct').send(new PutObjectCommand({ Bucket: bucket, Key: `list/${i}`, Body: 'x' }));
    const sample = async (request: (client: S3Client) => () => Promise<unknown>) => {
      const out = { direct: [], toxiproxy: [], proxy: [] } as Record<Endpoint, number[]>;
      for (let b = 0; b * BATCH < options.samples; b++) {
        const n = Math.min(BATCH, options.samples - b * BATCH);
        for (const e of rotate(ENDPOINTS, b)) out[e].push(...(await latencies(n, request(first(e)))));
      }
      return out;
    };
    const headSamples = await sample((c) => head(c, bucket, 'head/k'));
    const listSamples = await sample((c) => list(c, bucket, 'list/'));
    const latencyMs = {
      head: mapEndpoints((e) => percentiles(headSamples[e])),
      list: mapEndpoints((e) => percentiles(listSamples[e])),
    };
    const added = (e: Proxied, op: 'head' | 'list', p: 'p50' | 'p99') =>
      round(latencyMs[op][e][p] - latencyMs[op].direct[p]);

    const latencyRule = await measureLatencyRule(proxies.proxy, first('proxy'), bucket, options, {
      baseline: latencyMs.head.proxy.p50,
    });

    const movedMiB = (options.rounds * CLIENTS * options.objects * 2 * body.length) / 1024 / 1024;
    const perMiB = (seconds: number) =>
      Number.isFinite(seconds) ? round((seconds * 1000) / movedMiB) : null;
    await mkdir(options.outDir, { recursive: true });
    const file = join(options.outDir, 'proxy.json');
    const result: ProxyBenchResult = {
      options,
      loadAverage: { start: loadAtStart, end: round(loadavg()[0]!, 2) },
      throughputMiBps: mapEndpoints((e) => ({
        put: spread(
          rounds.map((x) => x[e].put),
          1,
        ).median,
        get: spread(
          rounds.map((x) => x[e].get),
          1,
        ).median,
      })),
      ratios: {
        proxyPut: ratioSpread.proxyPut.median,
        proxyGet: ratioSpread.proxyGet.median,
        toxiproxyPut: ratioSpread.toxiproxyPut.median,
        toxiproxyGet: ratioSpread.toxiproxyGet.median,
      },
      ratioSpread,
      latencyMs,
      addedMs: {
        proxyHeadP50: added('proxy', 'head', 'p50'),
        proxyHeadP99: added('proxy', 'head', 'p99'),
        proxyListP50: added('proxy', 'list', 'p50'),
        proxyListP99: added('proxy', 'list', 'p99'),
        toxiproxyHeadP50: added('toxiproxy', 'head', 'p50'),
        toxiproxyHeadP99: added('toxiproxy', 'head', 'p99'),
        toxiproxyListP50: added('toxiproxy', 'list', 'p50'),
        toxiproxyListP99: added('toxiproxy', 'list', 'p99'),
      },
      latencyRule,
      cpuMsPerMiB: { proxy: perMiB(cpu.proxy), toxiproxy: perMiB(cpu.toxiproxy) },
      file,
    };
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    for (const c of clients) c.destroy();
    await Promise.all(Object.values(proxies).map((p) => p.stop()));
    await minio.stop();
  }
}

/** Achieved delay = latency with a 100 ms HeadObject rule - median latency of the same request without it. */
async function measureLatencyRule(
  proxy: ProxyProcess,
  client: S3Client,
  bucket: string,
  options: ProxyBenchOptions,
  { baseline }: { baseline: number },
): Promise<ProxyBenchResult['latencyRule']> {
  const control = new ProxyClient(proxy.controlUrl);
  const delayMs = 100;
  const rule: RuleSpec = {
    type: 'latency',
    name: 'bench-100ms',
    delayMs,
    match: { operations: ['HeadObject'] },
  };
  await control.addRule(rule);
  const ruled = await latencies(Math.max(5, Math.ceil(options.samples / 4)), head(client, bucket, 'head/k'));
  const achieved = percentiles(ruled.map((x) => x - baseline));
  // The same from the proxy's own view (decision durationMs), free of the client's scheduling noise.
  const heads = (await control.decisions(0)).filter(
    (d) => d.op === 'HeadObject' && d.durationMs !== undefined,
  );
  const inProxyBaseline = percentiles(heads.filter((d) => d.rule === null).map((d) => d.durationMs!)).p50;
  const inProxy = percentiles(
    heads.filter((d) => d.rule === 'bench-100ms').map((d) => d.durationMs! - inProxyBaseline),
  );
  return {
    delayMs,
    achieved,
    errorP99: round(Math.abs(achieved.p99 - delayMs)),
    inProxy,
    inProxyErrorP99: round(Math.abs(inProxy.p99 - delayMs)),
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function mapEndpoints<T>(f: (e: Endpoint) => T): Record<Endpoint, T> {
  return { direct: f('direct'), toxiproxy: f('toxiproxy'), proxy: f('proxy') };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const { values } = parseArgs({
    options: {
      objects: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '5' },
      samples: { type: 'string', default: '400' },
      'size-mib': { type: 'string', default: '4' },
      out: { type: 'string', default: 'bench/out' },
    },
    strict: true,
  });
  const result = await runProxyBench({
    objects: Number(values.objects),
    rounds: Number(values.rounds),
    samples: Number(values.samples),
    sizeMiB: Number(values['size-mib']),
    outDir: values.out,
  });
  process.stdout.write(formatTable(result));
  process.stdout.write(`written to ${result.file}\n`);
}
