// Qualification statistics: per-iteration outcomes from the verdict's checks (a check about an iteration
// carries its number), then a failure rate with a 95% Wilson interval and the time to the first failure.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { soakSummary, type SoakSummary } from '../harness/index.js';
import type { Verdict } from '../../record/index.js';
import type { ScenarioOutcome } from './run-scenario.js';

export interface SoakReport extends SoakSummary {
  perScenario: Record<string, SoakSummary>;
}

export function soakReport(outcomes: ScenarioOutcome[], verdict: Verdict): SoakReport {
  let elapsed = 0;
  const rows: { scenario: string; iteration: number; valid: boolean | 'unknown'; endedAtMs: number }[] = [];
  for (const scenario of outcomes) {
    for (const iteration of scenario.iterations) {
      elapsed += iteration.durationMs;
      const checks = verdict.checks.filter(
        (c) =>
          c.severity === 'error' && c.scenario === scenario.scenario && c.iteration === iteration.iteration,
      );
      const valid = checks.some((c) => c.valid === false)
        ? false
        : checks.some((c) => c.valid === 'unknown')
          ? 'unknown'
          : true;
      rows.push({ scenario: scenario.scenario, iteration: iteration.iteration, valid, endedAtMs: elapsed });
    }
  }
  const perScenario: Record<string, SoakSummary> = {};
  for (const name of new Set(rows.map((r) => r.scenario)))
    perScenario[name] = soakSummary(rows.filter((r) => r.scenario === name));
  return { ...soakSummary(rows), perScenario };
}

export async function writeSoakReport(runDir: string, report: SoakReport): Promise<string> {
  const path = join(runDir, 'soak.json');
  await writeFile(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}

export function soakLine(report: SoakReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const first =
    report.timeToFirstFailureMs === null
      ? 'no failure'
      : `first failure at iteration ${report.firstFailingIteration} after ${(report.timeToFirstFailureMs / 1000).toFixed(0)} s`;
  return `soak: ${report.failures}/${report.trials} iterations failed, rate ${pct(report.rate)} (95% Wilson ${pct(report.low)}–${pct(report.high)}); ${first}`;
}
