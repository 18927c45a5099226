// Rule selection and limits without a network: selectors, afterN, maxCount, the time window, probability
// streams per rule, latency distributions, and the decision a plan turns into.
import assert from 'node:assert/strict';
import { ManualClock } from '../../common/index.js';
import { classify } from './classify.js';
import { finishDecision } from './decision.js';
import { RuleSet } from './rule-set.js';
import type { RuleRequest } from './rules/index.js';
import { StoreRecord } from './store-record.js';
import type { RuleSpec } from './types.js';

describe('s3-proxy rule set', function () {
  let clock: ManualClock;
  let rules: RuleSet;
  let id = 0;
  const request = (method: string, url: string): RuleRequest => ({
    ...classify(method, url),
    id: ++id,
    now: clock.now(),
  });
  const delays = (n: number, url = '/b/k') =>
    Array.from({ length: n }, () => rules.plan(request('GET', url)).requestDelayMs);

  beforeEach(function () {
    clock = new ManualClock();
    rules = new RuleSet(99, clock, new StoreRecord());
  });

  it('selects by operation, bucket, key glob and regex', function () {
    rules.put({
      type: 'latency',
      name: 'l',
      delayMs: 5,
      match: { operations: ['GetObject'], bucket: 'b', key: 'a/*/c.cfg', keyRegex: '^a/' },
    });
    assert.equal(rules.plan(request('GET', '/b/a/x/c.cfg')).requestDelayMs, 5);
    assert.equal(rules.plan(request('GET', '/b/a/x/y/c.cfg')).requestDelayMs, 0, '* stays within a segment');
    assert.equal(rules.plan(request('HEAD', '/b/a/x/c.cfg')).requestDelayMs, 0);
    assert.equal(rules.plan(request('GET', '/other/a/x/c.cfg')).requestDelayMs, 0);
    rules.put({ type: 'latency', name: 'deep', delayMs: 1, match: { key: 'a/**/c.cfg' } });
    assert.equal(rules.plan(request('GET', '/b/a/x/y/c.cfg')).requestDelayMs, 1, '** crosses segments');
    assert.equal(rules.get('l')?.counters.matched, 1);
  });

  it('honours afterN, maxCount and the start/stop window, counting matches throughout', async function () {
    rules.put({ type: 'latency', name: 'l', delayMs: 1, afterN: 2, maxCount: 3 });
    assert.deepEqual(delays(7), [0, 0, 1, 1, 1, 0, 0]);
    assert.deepEqual([rules.get('l')?.counters.matched, rules.get('l')?.counters.applied], [7, 3]);
    rules.put({ type: 'latency', name: 'w', delayMs: 10, startAfterMs: 1_000, stopAfterMs: 2_000 });
    assert.equal(delays(1)[0], 0);
    await clock.advance(1_000);
    assert.equal(delays(1)[0], 10);
    await clock.advance(1_000);
    assert.equal(delays(1)[0], 0);
  });

  it('draws each rule from its own stream: adding a rule does not change another rule’s choices', function () {
    const only: RuleSpec = { type: 'latency', name: 'coin', delayMs: 1, probability: 0.5 };
    rules.put(only);
    const alone = delays(200);
    assert.ok(alone.includes(0) && alone.includes(1), 'probability 0.5 gives both outcomes');
    const other = new RuleSet(99, clock, new StoreRecord());
    other.put({ type: 'latency', name: 'another', delayMs: 1000, probability: 0.5 });
    other.put(only);
    rules = other;
    assert.deepEqual(
      delays(200).map((d) => d % 1000),
      alone,
    );
    rules = new RuleSet(100, clock, new StoreRecord());
    rules.put(only);
    assert.notDeepEqual(delays(200), alone, 'another seed, other choices');
  });

  it('draws latency from the distribution, never negative, within the jitter', function () {
    rules.put({ type: 'latency', name: 'j', delayMs: 50, jitterMs: 10 });
    const jittered = delays(300);
    assert.ok(jittered.every((d) => d >= 40 && d <= 60));
    assert.ok(new Set(jittered).size > 5);
    rules.reset();
    rules.put({ type: 'latency', name: 'n', delayMs: 5, distribution: { type: 'normal', stddevMs: 20 } });
    const normal = delays(300);
    assert.ok(normal.every((d) => d >= 0) && normal.includes(0), 'clamped at 0');
    rules.reset();
    rules.put({
      type: 'latency',
      name: 'e',
      delayMs: 100,
      distribution: { type: 'exponential' },
      phase: 'response',
    });
    const plans = Array.from({ length: 300 }, () => rules.plan(request('GET', '/b/k')));
    assert.ok(plans.every((p) => p.requestDelayMs === 0 && p.responseDelayMs >= 0));
    const mean = plans.reduce((sum, p) => sum + p.responseDelayMs, 0) / plans.length;
    assert.ok(mean > 70 && mean < 130, `mean ${mean}`);
  });

  it('names the rule whose effect weighs most in the decision, and all acting rules', function () {
    rules.put({ type: 'latency', name: 'slow', delayMs: 3 });
    rules.put({ type: 'throttle', name: 'narrow', bytesPerSecond: 10 });
    rules.put({ type: 'error', name: 'deny', code: 'AccessDenied' });
    const req = request('PUT', '/b/k');
    const plan = rules.plan(req);
    const decision = finishDecision(req, plan, { listingChanges: [] }, 403);
    assert.equal(decision.rule, 'deny');
    assert.equal(decision.action, 'error');
    assert.deepEqual(decision.rules, ['deny', 'slow', 'narrow']);
    assert.equal(decision.delayMs, 3);
    assert.equal(plan.bytesPerSecond, 10);
  });
});
