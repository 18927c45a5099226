import assert from 'node:assert/strict';
import type { CheckResult } from '../../record/index.js';
import { checkSafe, composeVerdict, mergeVerdicts, worst, worstOf } from './verdict.js';

const check = (valid: CheckResult['valid'], severity: CheckResult['severity'] = 'error'): CheckResult => ({
  name: 'c',
  valid,
  severity,
  message: '',
  evidence: [],
});

describe('verdict', () => {
  it('keeps the worst value: false > unknown > true', () => {
    assert.equal(worst(true, 'unknown'), 'unknown');
    assert.equal(worst('unknown', true), 'unknown');
    assert.equal(worst('unknown', false), false);
    assert.equal(worst(false, true), false);
    assert.equal(worst(true, true), true);
    assert.equal(worstOf([true, 'unknown', true]), 'unknown');
    assert.equal(worstOf([], 'unknown'), 'unknown');
  });

  it('lets only error-severity checks decide', () => {
    assert.equal(composeVerdict([check(true), check(false, 'warn')]).valid, true);
    assert.equal(composeVerdict([check(true), check('unknown')]).valid, 'unknown');
    assert.equal(composeVerdict([check('unknown'), check(false)]).valid, false);
    assert.equal(composeVerdict([check(false, 'warn')]).valid, 'unknown', 'nothing decided is not a pass');
    assert.equal(mergeVerdicts([composeVerdict([check(true)]), composeVerdict([check(false)])]).valid, false);
  });

  it('turns a crashing checker into unknown with its message', async () => {
    const results = await checkSafe(
      'boom',
      () => {
        throw new Error('cannot read state of undefined');
      },
      { scenario: 's1' },
    );
    assert.equal(results.length, 1);
    assert.equal(results[0]!.valid, 'unknown');
    assert.equal(results[0]!.scenario, 's1');
    assert.match(results[0]!.message, /boom crashed: cannot read state of undefined/);
    const rejected = await checkSafe('async', () => Promise.reject(new Error('nope')));
    assert.equal(rejected[0]!.valid, 'unknown');
    const fine = await checkSafe('ok', () => check(true));
    assert.deepEqual(fine, [check(true)]);
  });
});
