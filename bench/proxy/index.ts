// Fault proxy benchmark: MinIO directly vs through `lhchaos proxy` (a separate process, no rules), side by
// side in one run, then the achieved delay of a 100 ms latency rule. Writes bench/out/proxy-<time>.json and
// prints a table. Run: node --import tsx bench/proxy/index.ts [--objects N] [--rounds N] [--samples N] [--size-mib N]
// Aims (issue #3): throughput >= 0.9 of direct, added HEAD/LIST p50 <= 1 ms, injected delay within 5 ms at p99.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ProxyClient } from '../../fault-injectors/index.js';
import { payload, s3Client } from './clients.js';
import { startMinio } from '../../test-support/minio.js';
import { head, latencies, list, percentiles, round, throughput, type Percentiles } from './measure.js';

export interface ProxyBenchOptions {
  /** Objects per client (8 clients) for each throughput round. */
  objects: number;
  /** Alternating direct/proxy throughput rounds; figures are medians over rounds. */
  rounds: number;
  sizeMiB: number;
  /** HEAD/LIST samples per endpoint, and samples of the latency rule. */
  samples: number;
  outDir: string;
}

export interface ProxyBenchResult {
  options: ProxyBenchOptions;
  throughput: Record<'direct' | 'proxy', { putMiBps: number; getMiBps: number }> & {
    putRatio: number;
    getRatio: number;
  };
  head: { direct: Percentiles; proxy: Percentiles; addedP50: number; addedP99: number };
  list: { direct: Percentiles; proxy: Percentiles; addedP50: number; addedP99: number };
  /** Achieved delay seen by the client, and inside the proxy (decision durationMs minus its median without the rule). */
  latencyRule: {
    delayMs: number;
    achieved: Percentiles;
    errorP99: number;
    inProxy: Percentiles;
    inProxyErrorP99: number;
  };
  /** CPU time of the proxy process per MiB moved in the throughput rounds: independent of machine load. */
  proxyCpuMsPerMiB: number | null;
  /** 1-minute load average at start and end: figures from a loaded machine are not comparable. */
  loadAverage: [number, number];
  file: string;
}

const CLIENTS = 8;

/** User+system CPU seconds of a process (Linux /proc), or null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function startProxyProcess(
  upstream: string,
): Promise<{ child: ChildProcess; dataUrl: string; controlUrl: string }> {
  const child = spawn(
    process.execPath,
    [
      'bin/lhchaos.js',
      'proxy',
      '--upstream',
      upstream,
      '--listen',
      '127.0.0.1:0',
      '--control',
      '127.0.0.1:0',
      '--seed',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = once(child, 'exit');
  while (!/control (\S+)/.test(out)) {
    await Promise.race([
      once(child.stdout!, 'data'),
      exited.then(() => Promise.reject(new Error(`proxy exited: ${out}`))),
    ]);
  }
  return { child, dataUrl: /data (\S+)/.exec(out)![1]!, controlUrl: /control (\S+)/.exec(out)![1]! };
}

export async function runProxyBench(options: ProxyBenchOptions): Promise<ProxyBenchResult> {
  const loadAtStart = round(loadavg()[0]!, 2);
  const minio = await startMinio();
  let proxy: Awaited<ReturnType<typeof startProxyProcess>> | undefined;
  const clients: S3Client[] = [];
  try {
    proxy = await startProxyProcess(minio.endpoint);
    const client = (endpoint: string) => {
      const c = s3Client(endpoint, minio);
      clients.push(c);
      return c;
    };
    const direct = Array.from({ length: CLIENTS }, () => client(minio.endpoint));
    const viaProxy = Array.from({ length: CLIENTS }, () => client(proxy!.dataUrl));
    const body = payload(options.sizeMiB * 1024 * 1024, 1);

    // Warm-up both paths (connections, JIT), then rounds that alternate direct and proxy, so load from
    // other processes hits both alike; each figure is the median over rounds.
    await throughput(direct, minio.bucket, 'warm-d', body, 1);
    await throughput(viaProxy, minio.bucket, 'warm-p', body, 1);
    let proxyCpu = 0;
    const rounds: { d: Awaited<ReturnType<typeof throughput>>; p: Awaited<ReturnType<typeof throughput>> }[] =
      [];
    for (let r = 0; r < options.rounds; r++) {
      const dRound = await throughput(direct, minio.bucket, `tp-d${r}`, body, options.objects);
      const cpuBefore = cpuSeconds(proxy.child.pid);
      const pRound = await throughput(viaProxy, minio.bucket, `tp-p${r}`, body, options.objects);
      const cpuAfter = cpuSeconds(proxy.child.pid);
      proxyCpu += cpuBefore === null || cpuAfter === null ? NaN : cpuAfter - cpuBefore;
      rounds.push({ d: dRound, p: pRound });
    }
    const median = (xs: number[]) => percentiles(xs).p50;
    const tDirect = {
      put: median(rounds.map((x) => x.d.put.mibPerSecond)),
      get: median(rounds.map((x) => x.d.get.mibPerSecond)),
    };
    const tProxy = {
      put: median(rounds.map((x) => x.p.put.mibPerSecond)),
      get: median(rounds.map((x) => x.p.get.mibPerSecond)),
    };
    const putRatio = median(rounds.map((x) => x.p.put.mibPerSecond / x.d.put.mibPerSecond));
    const getRatio = median(rounds.map((x) => x.p.get.mibPerSecond / x.d.get.mibPerSecond));

    const d = direct[0]!;
    const p = viaProxy[0]!;
    await d.send(new PutObjectCommand({ Bucket: minio.bucket, Key: 'head/k', Body: 'x' }));
    for (let i = 0; i < 100; i++)
      await d.send(new PutObjectCommand({ Bucket: minio.bucket, Key: `list/${i}`, Body: 'x' }));
    const half = Math.ceil(options.samples / 2);
    const headD = [...(await latencies(half, head(d, minio.bucket, 'head/k')))];
    const headP = [...(await latencies(half, head(p, minio.bucket, 'head/k')))];
    headD.push(...(await latencies(half, head(d, minio.bucket, 'head/k'))));
    headP.push(...(await latencies(half, head(p, minio.bucket, 'head/k'))));
    const listD = [...(await latencies(options.samples, list(d, minio.bucket, 'list/')))];
    const listP = [...(await latencies(options.samples, list(p, minio.bucket, 'list/')))];

    // Latency rule: achieved delay = latency with the rule - median latency of the same request without it.
    const control = new ProxyClient(proxy.controlUrl);
    const delayMs = 100;
    await control.addRule({
      type: 'latency',
      name: 'bench-100ms',
      delayMs,
      match: { operations: ['HeadObject'] },
    });
    const ruled = await latencies(
      Math.max(5, Math.ceil(options.samples / 4)),
      head(p, minio.bucket, 'head/k'),
    );
    const baseline = percentiles(headP).p50;
    const achieved = percentiles(ruled.map((x) => x - baseline));
    // The same from the proxy's own view (decision durationMs), free of the client's scheduling noise.
    const heads = (await control.decisions(0)).filter(
      (d) => d.op === 'HeadObject' && d.durationMs !== undefined,
    );
    const inProxyBaseline = percentiles(heads.filter((d) => d.rule === null).map((d) => d.durationMs!)).p50;
    const inProxy = percentiles(
      heads.filter((d) => d.rule === 'bench-100ms').map((d) => d.durationMs! - inProxyBaseline),
    );

    const hD = percentiles(headD);
    const hP = percentiles(headP);
    const lD = percentiles(listD);
    const lP = percentiles(listP);
    await mkdir(options.outDir, { recursive: true });
    const file = join(options.outDir, `proxy-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const result: ProxyBenchResult = {
      options,
      throughput: {
        direct: { putMiBps: tDirect.put, getMiBps: tDirect.get },
        proxy: { putMiBps: tProxy.put, getMiBps: tProxy.get },
        putRatio: round(putRatio),
        getRatio: round(getRatio),
      },
      head: { direct: hD, proxy: hP, addedP50: round(hP.p50 - hD.p50), addedP99: round(hP.p99 - hD.p99) },
      list: { direct: lD, proxy: lP, addedP50: round(lP.p50 - lD.p50), addedP99: round(lP.p99 - lD.p99) },
      latencyRule: {
        delayMs,
        achieved,
        errorP99: round(Math.abs(achieved.p99 - delayMs)),
        inProxy,
        inProxyErrorP99: round(Math.abs(inProxy.p99 - delayMs)),
      },
      proxyCpuMsPerMiB: Number.isFinite(proxyCpu)
        ? round(
            (proxyCpu * 1000) /
              ((2 * options.rounds * CLIENTS * options.objects * body.length) / 1024 / 1024),
          )
        : null,
      loadAverage: [loadAtStart, round(loadavg()[0]!, 2)],
      file,
    };
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    for (const c of clients) c.destroy();
    if (proxy && proxy.child.exitCode === null) {
      proxy.child.kill('SIGTERM');
      await once(proxy.child, 'exit');
    }
    await minio.stop();
  }
}

export function formatTable(r: ProxyBenchResult): string {
  const rows = [
    ['measure', 'direct', 'proxy', 'proxy vs direct', 'aim'],
    ['(throughput: median of rounds)', '', '', '', ''],
    [
      `PUT ${r.options.sizeMiB} MiB x${CLIENTS} (MiB/s)`,
      r.throughput.direct.putMiBps,
      r.throughput.proxy.putMiBps,
      `ratio ${r.throughput.putRatio}`,
      '>= 0.9',
    ],
    [
      `GET ${r.options.sizeMiB} MiB x${CLIENTS} (MiB/s)`,
      r.throughput.direct.getMiBps,
      r.throughput.proxy.getMiBps,
      `ratio ${r.throughput.getRatio}`,
      '>= 0.9',
    ],
    ['HEAD p50 (ms)', r.head.direct.p50, r.head.proxy.p50, `+${r.head.addedP50}`, '<= +1'],
    ['HEAD p99 (ms)', r.head.direct.p99, r.head.proxy.p99, `+${r.head.addedP99}`, ''],
    ['LIST 100 keys p50 (ms)', r.list.direct.p50, r.list.proxy.p50, `+${r.list.addedP50}`, '<= +1'],
    ['LIST 100 keys p99 (ms)', r.list.direct.p99, r.list.proxy.p99, `+${r.list.addedP99}`, ''],
    [`latency rule ${r.latencyRule.delayMs} ms: achieved p50`, '', r.latencyRule.achieved.p50, '', ''],
    [
      `latency rule ${r.latencyRule.delayMs} ms: achieved p99`,
      '',
      r.latencyRule.achieved.p99,
      `off by ${r.latencyRule.errorP99}`,
      '<= 5',
    ],
    [
      `latency rule: in-proxy p50 / p99`,
      '',
      `${r.latencyRule.inProxy.p50} / ${r.latencyRule.inProxy.p99}`,
      `off by ${r.latencyRule.inProxyErrorP99}`,
      '<= 5',
    ],
    ['proxy CPU per MiB moved (ms)', '', r.proxyCpuMsPerMiB ?? 'n/a', '', ''],
    ['load average (start, end)', '', r.loadAverage.join(', '), '', ''],
  ].map((row) => row.map(String));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return `${rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n')}\n`;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const { values } = parseArgs({
    options: {
      objects: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
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
