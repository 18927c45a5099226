// A rule's decision on a request is a function of the seed, the rule's name and the request's identity
// (operation, bucket, key or prefix, and its ordinal among the rule's requests of that identity), not of
// where the request fell in the arrival order: the same requests in two orders get the same decisions,
// request by request. No network and no clock: the orders are permutations, so nothing depends on load.
import assert from 'node:assert/strict';
import { ManualClock, SeededRandom } from '../../common/index.js';
import { classify } from './classify.js';
import { finishDecision } from './decision.js';
import { requestIdentity, RuleSet } from './rule-set.js';
import type { RuleRequest } from './rules/index.js';
import { StoreRecord } from './store-record.js';
import type { RuleSpec } from './types.js';

const RULES: RuleSpec[] = [
  { type: 'latency', name: 'exp', delayMs: 40, distribution: { type: 'exponential' }, probability: 0.5 },
  { type: 'latency', name: 'jitter', delayMs: 100, jitterMs: 50, match: { operations: ['PutObject'] } },
  {
    type: 'error',
    name: 'flaky',
    code: 'SlowDown',
    probability: 0.3,
    match: { operations: ['GetObject', 'PutObject'] },
  },
  {
    type: 'error',
    name: 'list-reset',
    mode: 'reset',
    probability: 0.5,
    match: { operations: ['ListObjects', 'ListObjectsV2'], keyRegex: '^k/' },
  },
  { type: 'noop', name: 'probe' },
];

/** Every key is written, read and listed three times: 3 ordinals per identity. */
function requests(): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 12; i++) {
      out.push({ method: 'PUT', url: `/b/k/${i}` }, { method: 'GET', url: `/b/k/${i}` });
    }
    out.push({ method: 'GET', url: '/b?list-type=2&prefix=k/' }, { method: 'GET', url: '/b?prefix=k/' });
  }
  return out;
}

interface Outcome {
  /** Per rule, (identity, ordinal) -> what the rule did to that request. */
  byRequest: Map<string, string>;
  /** Per rule, what it did, in arrival order. */
  sequences: Map<string, string[]>;
}

/** Plans each request in the given order with a fresh rule set, as a proxy started with `seed` would. */
function decide(seed: number, order: { method: string; url: string }[]): Outcome {
  const clock = new ManualClock();
  const rules = new RuleSet(seed, clock, new StoreRecord());
  for (const rule of RULES) rules.put(rule);
  const byRequest = new Map<string, string>();
  const sequences = new Map<string, string[]>();
  order.forEach(({ method, url }, index) => {
    const request: RuleRequest = { ...classify(method, url), id: index + 1, now: clock.now() };
    const plan = rules.plan(request);
    const decision = finishDecision(request, plan, { listingChanges: [] }, undefined);
    for (const [rule, ordinal] of Object.entries(decision.ordinals ?? {})) {
      const effect = plan.effects.find((e) => e.rule === rule);
      const did = effect
        ? `${effect.action}${effect.delayMs === undefined ? '' : ` ${effect.delayMs}`}`
        : '-';
      const identity = `${rule} ${requestIdentity(request)} #${ordinal}`;
      assert.ok(!byRequest.has(identity), `one decision per identity: ${identity}`);
      byRequest.set(identity, did);
      sequences.set(rule, [...(sequences.get(rule) ?? []), did]);
    }
  });
  return { byRequest, sequences };
}

describe('s3-proxy decisions by request identity', function () {
  const forward = requests();
  const shuffled = new SeededRandom(5).shuffle(forward);
  const reversed = [...forward].reverse();

  it('gives every request the same decision whatever the arrival order', function () {
    const base = decide(42, forward);
    assert.equal(
      base.byRequest.size,
      forward.length * 2 + 36 + 6 + 72,
      'exp, probe; jitter; list-reset; flaky',
    );
    for (const order of [shuffled, reversed]) {
      const other = decide(42, order);
      assert.deepEqual(other.byRequest, base.byRequest);
    }
  });

  it('acts on some requests and not others, so the orders had something to change', function () {
    const base = decide(42, forward);
    const shuffledRun = decide(42, shuffled);
    for (const rule of ['exp', 'flaky', 'list-reset']) {
      const done = base.sequences.get(rule) ?? [];
      assert.ok(done.includes('-') && done.some((d) => d !== '-'), `${rule} both acted and did not`);
      assert.notDeepEqual(
        shuffledRun.sequences.get(rule),
        done,
        `${rule}: the order of its decisions changed`,
      );
    }
    const delays = new Set(base.sequences.get('jitter'));
    assert.ok(delays.size > 10, `jitter draws differ per request: ${[...delays].join(', ')}`);
  });

  it('gives another seed other decisions', function () {
    assert.notDeepEqual(decide(43, forward).byRequest, decide(42, forward).byRequest);
  });

  it('keeps a request’s decision when requests of other identities come and go before it', function () {
    const base = decide(42, forward);
    // The same requests with every listing left out: the object requests keep their decisions.
    const objectsOnly = decide(
      42,
      forward.filter((r) => !r.url.includes('prefix=')),
    );
    for (const [identity, did] of objectsOnly.byRequest) assert.equal(did, base.byRequest.get(identity));
    assert.equal(objectsOnly.byRequest.size, base.byRequest.size - 6 * 3);
  });
});
