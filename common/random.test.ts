import assert from 'node:assert/strict';
import { SeededRandom, deriveSeed } from './random.js';

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
});
