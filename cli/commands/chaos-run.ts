// What `lhchaos run` and `lhchaos replay` share once the runner is going: signals that abort it in order,
// and the finished run rendered and printed.
import { writeCoverage } from '../../record/index.js';
import { renderReports, terminalSummary } from '../../reports/index.js';
import { computeRunCoverage } from '../../suites/explore/index.js';
import { soakLine, type ChaosRunResult } from '../../suites/runner/index.js';
import type { CliIo } from '../io.js';

/** The run's rendered reports (the runner stops at verdict.json). */
export type RenderedPaths = { runDir: string; junitPath: string; htmlPath: string };

export async function renderRunReports(result: ChaosRunResult): Promise<RenderedPaths> {
  await writeCoverage(result.runDir, await computeRunCoverage(result.runDir));
  return { runDir: result.runDir, ...(await renderReports(result.runDir, { verdict: result.verdict })) };
}

/**
 * Prints what a finished run found: the summary (each check once, the verdict, the report and the repro),
 * the soak figures, and what to run next after the expected #10740 finding.
 */
export function printRunResult(io: CliIo, result: ChaosRunResult, paths: RenderedPaths): void {
  io.stdout.write(`${terminalSummary(result.meta, result.verdict, paths)}\n`);
  if (result.soak) io.stdout.write(`${soakLine(result.soak)}\n`);
  const { meta } = result;
  if (result.exitCode === 1 && meta.longhorn.simulated && meta.longhorn.version === 'v1.8.1') {
    const fixed = meta.repro.replace('--longhorn v1.8.1', '--longhorn v1.9.0');
    io.stdout.write(
      'This is the expected outcome: Longhorn v1.8.1 has the #10740 bug and the run reproduced it (exit code 1).\n' +
        `Run the fixed behaviour (expected to pass): ${fixed}\n`,
    );
  }
}

/** The signals that end a run: Ctrl-C, a CI cancel (SIGTERM), a closed terminal (SIGHUP). */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The first stop signal aborts the run (the teardown still heals and stops everything); the second makes
 * the teardown hurry (no grace periods, no waiting for deletions) without skipping any of it; a third
 * exits at once, and the environment's watchdog stops what is left.
 */
export function abortOnSignals(
  onFirst: () => void,
  onSecond: () => void = () => {},
): { signal: AbortSignal; hurry: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const hurry = new AbortController();
  let count = 0;
  const handler = (name: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      onFirst();
      controller.abort(new Error(`${name} received`));
    } else if (count === 2) {
      onSecond();
      hurry.abort(new Error(`a second signal (${name}) received`));
    } else {
      process.exit(130);
    }
  };
  for (const name of STOP_SIGNALS) process.on(name, handler);
  return {
    signal: controller.signal,
    hurry: hurry.signal,
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}
