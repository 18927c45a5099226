import assert from 'node:assert/strict';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { SeededRandom, deriveSeed } from './random.js';

const draws = (random: SeededRandom, n = 8) => Array.from({ length: n }, () => random.int(0, 2 ** 30));

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => r.int(0, 1_000_000));
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  it('derives child streams that do not shift when another child is added', () => {
    const parent = new SeededRandom(7);
    const a1 = parent.derive('rule', 'a');
    const valuesBefore = [a1.next(), a1.next(), a1.next()];
    const parent2 = new SeededRandom(7);
    parent2.derive('rule', 'b').next();
    const a2 = parent2.derive('rule', 'a');
    assert.deepEqual([a2.next(), a2.next(), a2.next()], valuesBefore);
  });

  it('keeps draws in range and honours the edge probabilities', () => {
    const r = new SeededRandom('range');
    for (let i = 0; i < 1000; i++) {
      const f = r.next();
      assert.ok(f >= 0 && f < 1);
      const n = r.int(3, 5);
      assert.ok(n >= 3 && n <= 5);
      assert.equal(r.chance(0), false);
      assert.equal(r.chance(1), true);
    }
    assert.throws(() => r.int(5, 3), /min <= max/);
    assert.throws(() => r.pick([]), /empty/);
  });

  it('shuffles to a permutation of the input', () => {
    const r = new SeededRandom(1);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    assert.deepEqual([...r.shuffle(items)].sort(), items);
  });

  it('derives seeds from labels deterministically', () => {
    assert.equal(deriveSeed('a', 1), deriveSeed('a', 1));
    assert.notEqual(deriveSeed('a', 1), deriveSeed('a', 2));
  });

  it('gives every seed up to 2^53 - 1 its own streams, where 32 bits once made 0 and 2^32 one run', () => {
    const pairs = [
      [0, 2 ** 32],
      [7, 7 + 2 ** 32],
      [2 ** 32 - 1, 2 ** 33 - 1],
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 2 ** 32],
    ];
    for (const [a, b] of pairs) {
      assert.notDeepEqual(draws(new SeededRandom(a!)), draws(new SeededRandom(b!)), `${a} vs ${b}`);
      const childA = new SeededRandom(a!).derive('rule', 'x');
      const childB = new SeededRandom(b!).derive('rule', 'x');
      assert.notDeepEqual(draws(childA), draws(childB), `children of ${a} vs ${b}`);
    }
  });

  it('keeps the streams of 32-bit seeds as pure-rand seeded them, so recorded runs replay the same', () => {
    for (const seed of [0, 1, 21, 2 ** 31 - 1, -5, deriveSeed('rule', 'a')]) {
      const ours = new SeededRandom(seed);
      const theirs = xoroshiro128plus(seed);
      const expected = Array.from({ length: 8 }, () => uniformInt(theirs, 0, 2 ** 30));
      assert.deepEqual(draws(ours), expected, `seed ${seed}`);
    }
  });

  it('refuses what is not a seed instead of truncating it', () => {
    for (const bad of [2 ** 53, 1.5, -(2 ** 31) - 1, Number.NaN, Infinity]) {
      assert.throws(() => new SeededRandom(bad), RangeError, String(bad));
    }
  });
});
