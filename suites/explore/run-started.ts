// A run of explore or shrink that never reached its scenarios (its environment did not come up; the runner
// logged why and called it unknown) judged nothing. Counted as "no failure", it would send explore on to a
// next run that ends the same way at once, and shrink on to drop parts the failure needs.
import type { ChaosRunOptions, ChaosRunResult } from '../runner/index.js';

/** `run(options)`, throwing when the run did not reach its scenarios and was not interrupted. */
export async function runToScenarios<R extends Pick<ChaosRunResult, 'runDir'>>(
  run: (options: ChaosRunOptions) => Promise<R>,
  options: ChaosRunOptions,
): Promise<R> {
  let reachedScenarios = false;
  const result = await run({
    ...options,
    onPhase: (phase) => {
      reachedScenarios ||= phase === 'scenarios';
      options.onPhase?.(phase);
    },
  });
  if (!reachedScenarios && !options.signal?.aborted)
    throw new Error(`could not start (its record: ${result.runDir})`);
  return result;
}
