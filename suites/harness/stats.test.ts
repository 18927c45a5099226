import assert from 'node:assert/strict';
import { soakSummary, wilsonInterval } from './stats.js';

describe('wilsonInterval', () => {
  it('matches the textbook value for 10 failures in 100 at 95%', () => {
    const r = wilsonInterval(10, 100);
    assert.equal(r.rate, 0.1);
    assert.ok(Math.abs(r.low - 0.0552) < 0.001, `low ${r.low}`);
    assert.ok(Math.abs(r.high - 0.1744) < 0.001, `high ${r.high}`);
  });

  it('gives a non-degenerate upper bound when nothing failed', () => {
    const r = wilsonInterval(0, 20);
    assert.equal(r.low, 0);
    assert.ok(r.high > 0.1 && r.high < 0.2, `high ${r.high}`);
  });

  it('rejects impossible counts', () => {
    assert.throws(() => wilsonInterval(3, 2), /failures <= trials/);
  });
});

describe('soakSummary', () => {
  it('finds the first failure in time and ignores unknown iterations', () => {
    const s = soakSummary([
      { iteration: 1, valid: true, endedAtMs: 100 },
      { iteration: 3, valid: false, endedAtMs: 900 },
      { iteration: 2, valid: false, endedAtMs: 500 },
      { iteration: 4, valid: 'unknown', endedAtMs: 1000 },
    ]);
    assert.equal(s.trials, 3);
    assert.equal(s.failures, 2);
    assert.equal(s.firstFailingIteration, 2);
    assert.equal(s.timeToFirstFailureMs, 500);
  });
});
