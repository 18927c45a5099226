// coLoadCheck: a breach is a warning unless made a failure, a k6 failure is undecided, a clean run passes.
import assert from 'node:assert/strict';
import { coLoadCheck, type CoLoadSummary } from './index.js';

function summary(errorRate: number, crossed: boolean): CoLoadSummary {
  const op = { count: 10, errors: 0, avgMs: 5, p95Ms: 9, maxMs: 12 };
  return {
    schema: 'lhchaos-k6-summary/1',
    runPrefix: 'lhchaos-k6/run-1/',
    testRunDurationMs: 2000,
    config: {},
    ops: { put: op, get: op, list: op, delete: op },
    total: { count: 40, errors: Math.round(40 * errorRate), errorRate, p95Ms: 9, droppedIterations: 0 },
    thresholds: {
      s3_errors: [{ condition: 'rate<0.01', ok: !crossed }],
      s3_op_duration: [{ condition: 'p(95)<1000', ok: true }],
    },
    thresholdsBreached: crossed,
    errorCodes: crossed ? { InternalError: 20 } : {},
    cleanup: { deleted: 3, left: 0, unverified: false, kept: false },
  };
}

describe('load: coLoadCheck', function () {
  it('passes a run within its thresholds, with the measured numbers in the message', function () {
    const check = coLoadCheck({
      exitCode: 0,
      thresholdsBreached: false,
      failed: false,
      summary: summary(0, false),
      stderrTail: '',
    });
    assert.equal(check.name, 'co-load-thresholds');
    assert.equal(check.valid, true);
    assert.equal(check.severity, 'warn');
    assert.match(check.message, /40 operations, error rate 0\.00%, p95 9 ms/);
    assert.deepEqual(check.evidence, []);
  });

  it('makes a breach a warning by default and an error when the profile says so, naming the crossed threshold', function () {
    const result = {
      exitCode: 99,
      thresholdsBreached: true,
      failed: false,
      summary: summary(0.5, true),
      stderrTail: '',
    };
    const warn = coLoadCheck(result);
    assert.equal(warn.valid, false);
    assert.equal(warn.severity, 'warn');
    assert.match(warn.message, /thresholds: s3_errors rate<0\.01 \(40 operations, error rate 50\.00%/);
    const error = coLoadCheck(result, { breachIsFailure: true });
    assert.equal(error.valid, false);
    assert.equal(error.severity, 'error');
  });

  it('judges a run stopped when its run was over (k6 exit 105) on what ran', function () {
    const held = { exitCode: 105, thresholdsBreached: false, failed: false, stopped: true, stderrTail: '' };
    const check = coLoadCheck({ ...held, summary: summary(0, false) });
    assert.equal(check.valid, true);
    assert.match(check.message, /stopped when the run was over/);
    assert.equal(
      coLoadCheck({ ...held, thresholdsBreached: true, summary: summary(0.5, true) }).valid,
      false,
    );
  });

  it('leaves the check undecided when k6 itself failed, quoting its last stderr line', function () {
    const check = coLoadCheck({
      exitCode: 107,
      thresholdsBreached: false,
      failed: true,
      summary: null,
      stderrTail: 'level=info msg=x\nlevel=error msg="TypeError: boom"\n',
    });
    assert.equal(check.valid, 'unknown');
    assert.match(check.message, /exit code 107: level=error msg="TypeError: boom"/);
  });
});
