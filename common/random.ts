// Seeded randomness. Every random choice in the suite, the proxy and the simulator draws from a stream
// derived from the one run seed, so that a seed reproduces a run's decisions.
import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A 32-bit seed from any labels: the same labels always give the same seed. */
export function deriveSeed(...labels: (string | number)[]): number {
  const digest = createHash('sha256').update(labels.map(String).join('\u0000')).digest();
  return digest.readInt32LE(0);
}

const INT32_MIN = -(2 ** 31);

/**
 * The generator for a seed, with all of the seed's bits in its state. pure-rand's `xoroshiro128plus(seed)`
 * keeps only the low 32 bits (so 0 and 2^32 were one stream); this builds the state it builds, with the
 * bits above the low 32 in the word it leaves at zero. So every seed up to 2^53 − 1 gets a stream of its
 * own, and a seed below 2^31 (every seed drawn by default) keeps the streams it always had. Negative seeds
 * come only from `deriveSeed` (32-bit).
 */
function generatorFor(seed: number): RandomGenerator {
  if (!Number.isSafeInteger(seed) || seed < INT32_MIN) {
    throw new RangeError(
      `seed: expected an integer from ${INT32_MIN} to ${Number.MAX_SAFE_INTEGER}, got ${seed}`,
    );
  }
  const low = seed | 0;
  const high = seed < 0 ? 0 : Math.floor(seed / 2 ** 32);
  return xoroshiro128plusFromState([-1, ~low, low, high]);
}

/**
 * A stream of random numbers. `derive()` makes an independent child stream named by labels, so that
 * adding a consumer (a fault rule, a controller) never shifts the numbers another consumer sees.
 */
export class SeededRandom {
  readonly seed: number;
  private generator: RandomGenerator;

  constructor(seed: number | string) {
    this.seed = typeof seed === 'number' ? seed : deriveSeed(seed);
    this.generator = generatorFor(this.seed);
  }

  /** An independent stream for one consumer, named by labels. */
  derive(...labels: (string | number)[]): SeededRandom {
    return new SeededRandom(deriveSeed(this.seed, ...labels));
  }

  /** A float in [0, 1). */
  next(): number {
    return uniformFloat64(this.generator);
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): need integers with min <= max`);
    }
    return uniformInt(this.generator, min, max);
  }

  /** True with probability p (0 never draws true, 1 always does). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A new array with the items in seeded random order. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** A uniform float in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A normal draw (Box-Muller) with the given mean and standard deviation. */
  normal(mean: number, stddev: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}
