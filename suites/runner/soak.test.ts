import assert from 'node:assert/strict';
import type { Verdict } from '../../record/index.js';
import { soakLine, soakReport } from './soak.js';

describe('soakReport', () => {
  it('counts an iteration failed when an error check about it is false, and times the first failure', () => {
    const outcome = (iteration: number) => ({
      iteration,
      names: { backingImages: [], volumes: [], systemBackup: `sb-${iteration}` },
      state: 'Ready',
      result: 'ready' as const,
      durationMs: 1000,
    });
    const verdict: Verdict = {
      valid: false,
      checks: [
        {
          name: 'no-stuck-state',
          valid: false,
          severity: 'error',
          message: '',
          evidence: [],
          scenario: 'p',
          iteration: 2,
        },
        {
          name: 'race-witness',
          valid: false,
          severity: 'warn',
          message: '',
          evidence: [],
          scenario: 'p',
          iteration: 3,
        },
      ],
    };
    const report = soakReport([{ scenario: 'p', iterations: [1, 2, 3, 4].map(outcome) }], verdict);
    assert.equal(report.trials, 4);
    assert.equal(report.failures, 1);
    assert.equal(report.firstFailingIteration, 2);
    assert.equal(report.timeToFirstFailureMs, 2000);
    assert.match(soakLine(report), /1\/4 iterations failed, rate 25\.0% \(95% Wilson/);
  });
});
