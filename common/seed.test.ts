import assert from 'node:assert/strict';
import { ExitCode } from './errors.js';
import { MAX_SEED, parseSeed, randomSeed } from './seed.js';

describe('parseSeed', () => {
  it('accepts every whole number from 0 to 2^53 - 1, from text or from a recorded number', () => {
    assert.equal(parseSeed('0', '--seed'), 0);
    assert.equal(parseSeed(' 42 ', '--seed'), 42);
    assert.equal(parseSeed('4294967296', '--seed'), 2 ** 32);
    assert.equal(parseSeed(String(MAX_SEED), '--seed'), MAX_SEED);
    assert.equal(parseSeed(21, 'meta.json seed'), 21);
  });

  it('refuses anything else with exit 2, naming where the seed came from', () => {
    for (const bad of [
      '',
      '-1',
      '+3',
      '1.5',
      '1e3',
      '0x10',
      'abc',
      '9007199254740992',
      '99999999999999999999',
    ]) {
      assert.throws(
        () => parseSeed(bad, 'LHCHAOS_SEED'),
        (error: unknown) =>
          error instanceof Error &&
          (error as { exitCode?: number }).exitCode === ExitCode.usage &&
          error.message.startsWith('LHCHAOS_SEED: expected a whole number from 0 to 9007199254740991') &&
          error.message.includes(JSON.stringify(bad)),
        JSON.stringify(bad),
      );
    }
    assert.throws(() => parseSeed(-1, 'meta.json seed'), /meta\.json seed: expected/);
    assert.throws(() => parseSeed(2.5, 'meta.json seed'), /meta\.json seed: expected/);
  });

  it('draws a fresh seed that parseSeed accepts back', () => {
    const seed = randomSeed();
    assert.equal(parseSeed(String(seed), '--seed'), seed);
  });
});
