// Detection benchmark (node --import tsx bench/detect/index.ts [--iterations N] [--seed S]):
// 1. time from the onset of a stuck state to the workload noticing it and to the verdict (v1.8.1,
//    partial-sync); 2. the observer's API requests per minute against a 1 s polling loop that lists the
//    same kinds during the same run; 3. heap across many iterations of a fault-free-ish run.
// Writes JSON to bench/out/detect-<time>.json. Ratios, not absolute speeds, are the point.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parseSeed } from '../../common/index.js';
import { PLURALS } from '../../fixtures/crds/index.js';
import { startLocalEnvironment } from '../../fixtures/local/index.js';
import { readHistory } from '../../record/index.js';
import { RUN_WATCHED_KINDS } from '../../suites/oracles/index.js';
import { drive } from '../../suites/self/drive.js';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '50' }, seed: { type: 'string', default: '21' } },
});
const seed = parseSeed(values.seed, '--seed');
const memoryIterations = Number(values.iterations);

/** A naive oracle: list every watched kind once a second, counting requests. */
function startPollingLoop(kubeconfig: string, namespace: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(CustomObjectsApi);
  const kinds = RUN_WATCHED_KINDS;
  let requests = 0;
  let stopped = false;
  const started = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const tick = performance.now();
      for (const kind of kinds) {
        await api
          .listNamespacedCustomObject({
            group: 'longhorn.io',
            version: 'v1beta2',
            namespace,
            plural: PLURALS[kind],
          })
          .catch(() => undefined);
        requests++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - tick))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const minutes = (performance.now() - started) / 60_000;
      return { requests, requestsPerMinute: requests / minutes };
    },
  };
}

async function detection() {
  // Tied to this process: a benchmark stopped with Ctrl-C or killed leaves no environment behind.
  const env = await startLocalEnvironment({ lifetime: 'tied', ownedDirPrefix: 'lhchaos-bench-env-' });
  const dir = env.dir;
  try {
    const poller = startPollingLoop(env.env.kubeconfig, env.env.namespace);
    const wallStart = performance.now();
    const run = await drive({ longhorn: 'v1.8.1', seed, scenarios: ['partial-sync'], envDir: dir });
    const wallMs = performance.now() - wallStart;
    const polling = await poller.stop();
    const stuck = run.verdict.checks.find(
      (c) => c.name === 'no-stuck-state' && c.valid === false && c.subject?.startsWith('BackupBackingImage/'),
    );
    let onsetT: number | undefined;
    let noticedT: number | undefined;
    let checkT: number | undefined;
    let lastT = 0;
    for await (const event of readHistory(run.runDir)) {
      lastT = event.t;
      if (stuck && event.id === stuck.evidence[0]) onsetT = event.t;
      if (
        onsetT !== undefined &&
        noticedT === undefined &&
        event.type === 'op' &&
        event.f === 'system-backup' &&
        event.phase === 'info'
      ) {
        noticedT = event.t;
      }
      if (event.type === 'phase' && event.name === 'check') checkT = event.t;
    }
    await run.cleanup();
    return {
      exitCode: run.exitCode,
      stallWindowMs: run.meta.stallWindowMs,
      onsetToWorkloadNoticedMs: onsetT !== undefined && noticedT !== undefined ? noticedT - onsetT : null,
      onsetToVerdictMs: onsetT !== undefined ? (checkT ?? lastT) - onsetT : null,
      runWallMs: Math.round(wallMs),
      observer: run.observerStats
        ? {
            requestsPerMinute: run.observerStats.requestsPerMinute,
            requests: run.observerStats.requests,
            events: run.observerStats.events,
          }
        : null,
      pollingLoop: polling,
      requestRatio: run.observerStats
        ? polling.requestsPerMinute / run.observerStats.requestsPerMinute
        : null,
    };
  } finally {
    await env.stop();
  }
}

async function memory() {
  const samples: { iteration: number; heapUsedMB: number; rssMB: number }[] = [];
  const run = await (async () => {
    const { PROFILES, reproCommand, runChaos, scenarioByName } = await import('../../suites/runner/index.js');
    const outDir = await mkdtemp(join(tmpdir(), 'lhchaos-bench-mem-'));
    const base = {
      env: 'local' as const,
      profile: { ...PROFILES.qualification, budgetMs: 60 * 60_000 },
      scenarios: [scenarioByName('latency')],
      seed,
      iterations: memoryIterations,
      longhorn: 'v1.9.0',
      simBugs: [],
      outDir,
      timeFactor: 0.05,
    };
    const result = await runChaos({
      ...base,
      repro: reproCommand(base),
      onProgress: (p) => {
        if (p.state === 'creating') return;
        const m = process.memoryUsage();
        samples.push({ iteration: p.iteration, heapUsedMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20 });
      },
    });
    await rm(outDir, { recursive: true, force: true });
    return result;
  })();
  const first = samples.slice(0, 5);
  const last = samples.slice(-5);
  const mean = (xs: typeof samples) => xs.reduce((a, s) => a + s.heapUsedMB, 0) / Math.max(1, xs.length);
  return {
    iterations: samples.length,
    exitCode: run.exitCode,
    heapFirst5MB: mean(first),
    heapLast5MB: mean(last),
    heapGrowthPerIterationKB:
      samples.length > 5 ? ((mean(last) - mean(first)) * 1024) / (samples.length - 5) : null,
    samples,
  };
}

const result = { seed, detection: await detection(), memory: await memory() };
await mkdir(new URL('../out/', import.meta.url), { recursive: true });
const file = new URL(`../out/detect-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url);
await writeFile(file, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify({ ...result, memory: { ...result.memory, samples: undefined } }, null, 2));
console.log(`written to ${file.pathname}`);
process.exit(0);
