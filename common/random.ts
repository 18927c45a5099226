// Seeded randomness. Every random choice in the suite, the proxy and the simulator draws from a stream
// derived from the one run seed, so that a seed reproduces a run's decisions.
import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A 32-bit seed from any labels: the same labels always give the same seed. */
export function deriveSeed(...labels: (string | number)[]): number {
  const digest = createHash('sha256').update(labels.map(String).join('\u0000')).digest();
  return digest.readInt32LE(0);
}

/**
 * A stream of random numbers. `derive()` makes an independent child stream named by labels, so that
 * adding a consumer (a fault rule, a controller) never shifts the numbers another consumer sees.
 */
export class SeededRandom {
  readonly seed: number;
  private generator: RandomGenerator;

  constructor(seed: number | string) {
    this.seed = typeof seed === 'number' ? seed | 0 : deriveSeed(seed);
    this.generator = xoroshiro128plus(this.seed);
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
