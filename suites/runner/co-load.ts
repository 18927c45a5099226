// --co-load: the k6 S3 mix runs beside the system backups through the fault proxy's data port, under its
// own prefix. Its result goes into the history (so `lhchaos report` judges it the same) and meta.json.
import { join } from 'node:path';
import { deriveSeed } from '../../common/index.js';
import { locateTool } from '../../fixtures/toolchain/index.js';
import { runK6, type RunK6Result } from '../../load/index.js';
import type { History } from '../harness/index.js';
import type { NewEvent, RunMeta } from '../../record/index.js';
import type { TaskStack } from './tasks.js';
import type { RunTarget } from './target.js';

export interface CoLoadHandle {
  finish(): Promise<void>;
  result?: NonNullable<RunMeta['coLoad']>;
}

export async function startCoLoad(options: {
  target: RunTarget;
  history: History;
  tasks: TaskStack;
  runDir: string;
  seed: number;
  signal: AbortSignal;
  durationSec?: number;
}): Promise<CoLoadHandle> {
  const k6Path = await locateTool('k6');
  const summaryPath = join(options.runDir, 'k6-summary.json');
  const stop = new AbortController();
  options.signal.addEventListener('abort', () => stop.abort(options.signal.reason), { once: true });
  if (options.signal.aborted) stop.abort(options.signal.reason);
  const handle: CoLoadHandle = { finish: async () => {} };
  const running: Promise<RunK6Result | undefined> = runK6({
    k6Path,
    endpoint: options.target.proxyDataUrl ?? options.target.store.endpoint,
    accessKey: options.target.store.accessKey,
    secretKey: options.target.store.secretKey,
    region: options.target.store.region,
    bucket: options.target.store.bucket,
    prefix: 'lhchaos-co-load/',
    rate: 5,
    durationSec: options.durationSec ?? 3600,
    objectSizes: [4096, 65536],
    summaryPath,
    signal: stop.signal,
    // k6 mixes the seed with the VU number in plain JavaScript arithmetic, exact only for 32-bit seeds.
    seed: deriveSeed(options.seed, 'co-load'),
  }).catch(() => undefined);
  options.tasks.defer('stop the co-load', async () => {
    stop.abort(new Error('run over'));
    await running;
  });
  handle.finish = async () => {
    stop.abort(new Error('run over'));
    const result = await running;
    if (!result) return;
    handle.result = {
      exitCode: result.exitCode,
      thresholdsBreached: result.thresholdsBreached,
      summaryFile: summaryPath,
    };
    options.history.append({
      type: 'log',
      level: result.thresholdsBreached || result.failed ? 'warn' : 'info',
      source: 'k6',
      message: 'co-load finished',
      fields: {
        exitCode: result.exitCode,
        thresholdsBreached: result.thresholdsBreached,
        failed: result.failed,
        summary: result.summary,
        stderrTail: result.stderrTail.slice(-2000),
      },
    } as NewEvent);
  };
  return handle;
}
