// Key globs: segment-bound `*` and `?`, segment-crossing `**`, character classes, literal punctuation.
import assert from 'node:assert/strict';
import { globToRegExp } from './glob.js';

describe('s3-proxy glob', function () {
  const cases: [string, string, boolean][] = [
    ['a/*/c.cfg', 'a/b/c.cfg', true],
    ['a/*/c.cfg', 'a/b/x/c.cfg', false],
    ['a/**/c.cfg', 'a/b/x/c.cfg', true],
    ['**/backing-image.cfg', 'backupstore/backing-images/backing-images/bi-1/backing-image.cfg', true],
    ['lock-????.lck', 'lock-ab12.lck', true],
    ['lock-????.lck', 'lock-ab1.lck', false],
    ['m[12]', 'm1', true],
    ['m[12]', 'm3', false],
    ['m[!12]', 'm3', true],
    ['v[0-9].cfg', 'v7.cfg', true],
    ['a.b+c(d)', 'a.b+c(d)', true],
    ['a.b', 'axb', false],
    ['[unclosed', '[unclosed', true],
  ];
  for (const [glob, key, expected] of cases) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${key}`, function () {
      assert.equal(globToRegExp(glob).test(key), expected);
    });
  }
});
