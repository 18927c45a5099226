// Runs the k6 S3 co-load as a child process beside the system backups: exit code 99 is a threshold
// breach (recorded, not an error), any other non-zero code is a k6 failure with its stderr tail.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EnvironmentError, systemClock } from '../common/index.js';
import {
  absoluteSummaryPath,
  DEFAULT_SCRIPT,
  k6Environment,
  validateOptions,
  type RunK6Options,
} from './options.js';
import { readSummary, type CoLoadSummary } from './summary.js';

/**
 * util-linux's setpriv sets the parent-death signal and then execs k6 (same pid, same command line): when
 * this process dies by any signal, SIGKILL included, the kernel sends k6 SIGTERM, so a killed runner does
 * not leave k6 loading a dead proxy for the rest of its duration. Without setpriv, k6 is started as is.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** The command that starts k6 tied to this process's life. */
export function k6Command(k6Path: string, args: string[]): [string, string[]] {
  return SETPRIV ? [SETPRIV, ['--pdeathsig', 'TERM', '--', k6Path, ...args]] : [k6Path, args];
}

/** k6's exit code when thresholds were crossed (errext/exitcodes: ThresholdsHaveFailed). */
export const K6_THRESHOLDS_FAILED = 99;
/** k6's exit code after SIGINT (errext/exitcodes: ExternalAbort); it still writes its summary. */
export const K6_EXTERNAL_ABORT = 105;
const TAIL_BYTES = 4096;

export interface RunK6Result {
  /** k6's exit code; -1 when it was ended by a signal. */
  exitCode: number;
  /**
   * The run went through but its error-rate or p95 threshold was crossed: exit code 99, or, for a run
   * ended by `stop` (k6 then exits 105), what its summary says.
   */
  thresholdsBreached: boolean;
  /** k6 itself failed (bad script, bad config, crash): any other exit code, or a stopped run without summary. */
  failed: boolean;
  /** Ended early by `stop` (not by running its whole duration). */
  stopped: boolean;
  /** The script's JSON summary, or null when k6 wrote none. */
  summary: CoLoadSummary | null;
  summaryPath: string;
  durationMs: number;
  /** The script's text summary (k6's stdout). */
  stdout: string;
  /** The last few KB of k6's stderr (its log and error messages). */
  stderrTail: string;
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/**
 * Runs k6 on the co-load script and resolves when it has exited. On abort, k6 gets SIGINT (it stops the
 * scenario and still runs its teardown, which deletes what it wrote), SIGKILL after `abortGraceMs`, and the
 * promise rejects with the signal's reason once the process is gone. On `stop`, the same, but the promise
 * resolves with the result of what ran (a co-load that lasts as long as the run it accompanies).
 */
export async function runK6(options: RunK6Options): Promise<RunK6Result> {
  validateOptions(options);
  const { signal, stop } = options;
  signal?.throwIfAborted();
  const clock = options.clock ?? systemClock;
  const summaryPath = absoluteSummaryPath(options);
  await mkdir(dirname(summaryPath), { recursive: true });
  // A summary left by an earlier run must not pass for this one's.
  await rm(summaryPath, { force: true });

  // setpriv would start and then fail to exec a missing k6: say it here, as spawn would have.
  await access(options.k6Path, constants.X_OK).catch((error: unknown) => {
    throw new EnvironmentError(`could not start k6 at ${options.k6Path}`, { cause: error });
  });
  const started = clock.monotonic();
  const [file, args] = k6Command(options.k6Path, [
    'run',
    '--quiet',
    '--no-color',
    options.script ?? DEFAULT_SCRIPT,
  ]);
  const child = spawn(file, args, {
    env: k6Environment(options, process.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr = new Tail(TAIL_BYTES);
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

  let killTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const onAbort = () => {
    if (stopping) return;
    stopping = true;
    child.kill('SIGINT');
    killTimer = setTimeout(() => child.kill('SIGKILL'), options.abortGraceMs ?? 30_000);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (stop?.aborted) onAbort();
  stop?.addEventListener('abort', onAbort, { once: true });

  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve({ code, signal: sig }));
    });
  } catch (error) {
    throw new EnvironmentError(`could not start k6 at ${options.k6Path}`, { cause: error });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop?.removeEventListener('abort', onAbort);
    clearTimeout(killTimer);
  }
  const durationMs = clock.monotonic() - started;
  if (signal?.aborted) throw signal.reason;

  const exitCode = exit.code ?? -1;
  let stderrTail = stderr.text();
  let summary: CoLoadSummary | null = null;
  try {
    summary = await readSummary(summaryPath);
  } catch (error) {
    stderrTail += `\n[lhchaos] ${error instanceof Error ? error.message : String(error)}`;
  }
  // Stopped on purpose: k6 exits 105 whatever its thresholds say, so the summary says it.
  const stopped = stop?.aborted === true && exitCode === K6_EXTERNAL_ABORT && summary !== null;
  return {
    exitCode,
    thresholdsBreached:
      exitCode === K6_THRESHOLDS_FAILED || (stopped && summary?.thresholdsBreached === true),
    failed: exitCode !== 0 && exitCode !== K6_THRESHOLDS_FAILED && !stopped,
    stopped,
    summary,
    summaryPath,
    durationMs,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderrTail,
  };
}
