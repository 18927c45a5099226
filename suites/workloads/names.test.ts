import assert from 'node:assert/strict';
import { iterationNames, nameTag, runIdTag } from './names.js';

describe('iterationNames', () => {
  it('gives DNS-safe names, fresh per iteration, each volume using one of the fresh images', () => {
    const a = iterationNames(nameTag(42), 0, 1, { backingImages: 2, volumesPerImage: 2 });
    const b = iterationNames(nameTag(42), 0, 2, { backingImages: 2, volumesPerImage: 2 });
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
  });

  it('names from the seed: the same seed the same names, another seed others', () => {
    const sizes = { backingImages: 3, volumesPerImage: 1 };
    assert.deepEqual(iterationNames(nameTag(7), 1, 2, sizes), iterationNames(nameTag(7), 1, 2, sizes));
    assert.notEqual(nameTag(7), nameTag(8));
    assert.match(nameTag(7), /^[0-9a-z]{6}$/);
    // Seeds beyond 32 bits are named by their full value (no `seed | 0` fold).
    assert.notEqual(nameTag(0), nameTag(2 ** 32));
    // Records written before kept their run-id tag, which replay still reads.
    assert.notEqual(runIdTag('run-a'), runIdTag('run-b'));
  });
});
