// The one seed parser. A run seed is a whole number from 0 to 2^53 − 1 (Number.MAX_SAFE_INTEGER), written
// in decimal; every such seed gives its own random streams (random.ts puts all of its bits into the
// generator). Flags, environment variables, rules files and recorded runs all come through here, so a seed
// is refused the same way everywhere: UsageError (exit 2) naming where it came from.
import { randomInt } from 'node:crypto';
import { UsageError } from './errors.js';

export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** `field` names the source in the error: `--seed`, `LHCHAOS_SEED`, `meta.json seed`. */
export function parseSeed(value: string | number, field: string): number {
  const seed = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new UsageError(
      `${field}: expected a whole number from 0 to ${MAX_SEED}, got ${JSON.stringify(value)}`,
    );
  }
  return seed;
}

/** A fresh seed for a run that was given none; short enough to type back in a repro command. */
export function randomSeed(): number {
  return randomInt(1, 2 ** 31 - 1);
}
