// The proxy benchmark's terminal table: every endpoint side by side, each proxy against direct MinIO, and
// whether the aims hold.
import type { ProxyBenchResult } from './index.js';
import type { Spread } from './measure.js';
import { textTable } from '../text-table.js';

const CLIENTS = 8;
const signed = (x: number) => (x >= 0 ? `+${x}` : String(x));

export function formatTable(r: ProxyBenchResult): string {
  const s = r.ratioSpread;
  const ratio = (x: Spread) => `${x.median} (${x.min}-${x.max})`;
  const tp = r.throughputMiBps;
  const lat = r.latencyMs;
  const a = r.addedMs;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const throughputAim = (proxy: number, toxiproxy: number) => verdict(proxy >= 0.9 && proxy >= toxiproxy);
  const addedAim = (proxy: number, toxiproxy: number) => verdict(proxy <= toxiproxy + 0.5);
  const size = `${r.options.sizeMiB} MiB x${CLIENTS}`;
  const rows: (string | number)[][] = [
    ['measure', 'direct', 'toxiproxy', 'proxy', 'toxiproxy vs direct', 'proxy vs direct', 'aim', ''],
    ['(throughput: ratio median (min-max) over rounds)', '', '', '', '', '', '', ''],
    [
      `PUT ${size} (MiB/s)`,
      tp.direct.put,
      tp.toxiproxy.put,
      tp.proxy.put,
      ratio(s.toxiproxyPut),
      ratio(s.proxyPut),
      '>= 0.9, >= toxiproxy',
      throughputAim(r.ratios.proxyPut, r.ratios.toxiproxyPut),
    ],
    [
      `GET ${size} (MiB/s)`,
      tp.direct.get,
      tp.toxiproxy.get,
      tp.proxy.get,
      ratio(s.toxiproxyGet),
      ratio(s.proxyGet),
      '>= 0.9, >= toxiproxy',
      throughputAim(r.ratios.proxyGet, r.ratios.toxiproxyGet),
    ],
    ...(['head', 'list'] as const).flatMap((op) =>
      (['p50', 'p99'] as const).map((p) => {
        const key = `${op === 'head' ? 'Head' : 'List'}${p === 'p50' ? 'P50' : 'P99'}` as const;
        const proxyAdded = a[`proxy${key}`];
        const toxiproxyAdded = a[`toxiproxy${key}`];
        return [
          `${op === 'head' ? 'HEAD' : 'LIST 100 keys'} ${p} (ms)`,
          lat[op].direct[p],
          lat[op].toxiproxy[p],
          lat[op].proxy[p],
          signed(toxiproxyAdded),
          signed(proxyAdded),
          p === 'p50' ? '<= toxiproxy + 0.5' : '',
          p === 'p50' ? addedAim(proxyAdded, toxiproxyAdded) : '',
        ];
      }),
    ),
    [
      `latency rule ${r.latencyRule.delayMs} ms: achieved p50 / p99`,
      '',
      '',
      `${r.latencyRule.achieved.p50} / ${r.latencyRule.achieved.p99}`,
      '',
      `off by ${r.latencyRule.errorP99}`,
      '<= 5',
      verdict(r.latencyRule.errorP99 <= 5),
    ],
    [
      'latency rule: in-proxy p50 / p99',
      '',
      '',
      `${r.latencyRule.inProxy.p50} / ${r.latencyRule.inProxy.p99}`,
      '',
      `off by ${r.latencyRule.inProxyErrorP99}`,
      '<= 5',
      verdict(r.latencyRule.inProxyErrorP99 <= 5),
    ],
    [
      'CPU per MiB moved (ms)',
      '',
      r.cpuMsPerMiB.toxiproxy ?? 'n/a',
      r.cpuMsPerMiB.proxy ?? 'n/a',
      '',
      '',
      '',
      '',
    ],
    ['load average (start, end)', `${r.loadAverage.start}, ${r.loadAverage.end}`, '', '', '', '', '', ''],
  ];
  return textTable(rows);
}
