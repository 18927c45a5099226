import assert from 'node:assert/strict';
import { iterationNames, runTag } from './names.js';

describe('iterationNames', () => {
  it('gives DNS-safe names, fresh per iteration, each volume using one of the fresh images', () => {
    const a = iterationNames('20261130-011500-s42', 0, 1, { backingImages: 2, volumesPerImage: 2 });
    const b = iterationNames('20261130-011500-s42', 0, 2, { backingImages: 2, volumesPerImage: 2 });
    for (const name of [...a.backingImages, a.systemBackup, ...a.volumes.map((v) => v.name)]) {
      assert.match(name, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    }
    assert.equal(a.volumes.length, 4);
    assert.ok(a.volumes.every((v) => a.backingImages.includes(v.backingImage)));
    assert.equal(
      a.backingImages.filter((n) => b.backingImages.includes(n)).length,
      0,
      'iterations must not share backing images',
    );
    assert.notEqual(runTag('run-a'), runTag('run-b'));
  });
});
