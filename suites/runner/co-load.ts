// --co-load: the k6 S3 mix runs beside the system backups through the fault proxy's data port, under its
// own prefix, for as long as the scenarios run; then it is stopped (k6 runs its teardown and writes its
// summary). Its result goes into the history as one `k6` event (so `lhchaos report` judges it the same:
// `coLoadChecks` in check.ts) and into meta.json. A threshold breach is a warning, or a failure with
// `--co-load fail`.
import { join } from 'node:path';
import { deriveSeed, describeError } from '../../common/index.js';
import { locateTool } from '../../fixtures/toolchain/index.js';
import { runK6, type RunK6Result } from '../../load/index.js';
import type { History } from '../harness/index.js';
import type { NewEvent, RunMeta } from '../../record/index.js';
import type { TaskStack } from './tasks.js';
import type { RunTarget } from './target.js';

/** What a threshold breach does to the verdict. */
export type CoLoadBreach = 'warn' | 'fail';

/** The co-load summary's file in the run directory. */
export const CO_LOAD_SUMMARY = 'k6-summary.json';

/** The fields of the `k6` history event: what `coLoadCheck` needs, and how a breach counts. */
export interface CoLoadEventFields {
  exitCode: number;
  thresholdsBreached: boolean;
  failed: boolean;
  stopped: boolean;
  summary: RunK6Result['summary'];
  stderrTail: string;
  breach: CoLoadBreach;
}

export interface CoLoadHandle {
  /** Stops k6 (the run is over) and records its result; safe to call twice. */
  finish(): Promise<void>;
  result?: NonNullable<RunMeta['coLoad']>;
}

export async function startCoLoad(options: {
  target: RunTarget;
  history: History;
  tasks: TaskStack;
  runDir: string;
  seed: number;
  /** The run's abort: k6 stops at once, its result still recorded. */
  signal: AbortSignal;
  breach: CoLoadBreach;
  durationSec?: number;
}): Promise<CoLoadHandle> {
  const k6Path = await locateTool('k6');
  const stop = new AbortController();
  // An interrupted run stops k6 at once (also when the abort came before it started); its result is still
  // recorded by finish() in the teardown.
  const onAbort = () => stop.abort(options.signal.reason);
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) onAbort();
  const running: Promise<RunK6Result> = runK6({
    k6Path,
    endpoint: options.target.proxyDataUrl ?? options.target.store.endpoint,
    accessKey: options.target.store.accessKey,
    secretKey: options.target.store.secretKey,
    region: options.target.store.region,
    bucket: options.target.store.bucket,
    prefix: 'lhchaos-co-load/',
    rate: 5,
    // Longer than any run: `stop` ends it when the scenarios are over (or the run is interrupted).
    durationSec: options.durationSec ?? 24 * 3600,
    objectSizes: [4096, 65536],
    summaryPath: join(options.runDir, CO_LOAD_SUMMARY),
    stop: stop.signal,
    // k6 mixes the seed with the VU number in plain JavaScript arithmetic, exact only for 32-bit seeds.
    seed: deriveSeed(options.seed, 'co-load'),
  });
  let finished: Promise<void> | undefined;
  const handle: CoLoadHandle = {
    finish: () => (finished ??= record()),
  };
  async function record(): Promise<void> {
    options.signal.removeEventListener('abort', onAbort);
    stop.abort(new Error('run over'));
    let result: RunK6Result;
    try {
      result = await running;
    } catch (error) {
      // k6 could not start or vanished: recorded as a failed co-load, which leaves its check undecided.
      const fields: CoLoadEventFields = {
        exitCode: -1,
        thresholdsBreached: false,
        failed: true,
        stopped: false,
        summary: null,
        stderrTail: describeError(error),
        breach: options.breach,
      };
      appendEvent(options.history, fields, 'co-load could not run');
      return;
    }
    handle.result = {
      exitCode: result.exitCode,
      thresholdsBreached: result.thresholdsBreached,
      summaryFile: CO_LOAD_SUMMARY,
    };
    const fields: CoLoadEventFields = {
      exitCode: result.exitCode,
      thresholdsBreached: result.thresholdsBreached,
      failed: result.failed,
      stopped: result.stopped,
      summary: result.summary,
      stderrTail: result.stderrTail.slice(-2000),
      breach: options.breach,
    };
    appendEvent(options.history, fields, 'co-load finished');
  }
  // An interrupted run still stops k6 and records what it did (before the history closes).
  options.tasks.defer('stop the co-load', () => handle.finish());
  return handle;
}

function appendEvent(history: History, fields: CoLoadEventFields, message: string): void {
  history.append({
    type: 'log',
    level: fields.thresholdsBreached || fields.failed ? 'warn' : 'info',
    source: 'k6',
    message,
    fields: { ...fields },
  } as NewEvent);
}
