// The same seed gives the same run, as far as it is decided by construction: two runs of one seed (each
// in its own environment) name the same objects, arm the same rules (so each rule draws from the same
// stream) and write the same backing-image keys; their run ids still differ. Whether each rule's
// decisions also come out the same depends on the machine's timing: bench/repeat measures that.
import assert from 'node:assert/strict';
import { drive } from './drive.js';
import { constructedParts } from './same-seed.js';

describe('self: the same seed, the same run', function () {
  this.timeout(480_000);

  it('names the same objects, arms the same rules and writes the same image keys', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      runs.push(await drive({ longhorn: 'v1.9.0', seed: 23, scenarios: ['partial-sync'], iterations: 1 }));
    }
    try {
      const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
      assert.notEqual(a.runId, b.runId, 'run ids stay unique');
      assert.equal(a.meta.nameTag, b.meta.nameTag);
      const [partsA, partsB] = [await constructedParts(a.runDir), await constructedParts(b.runDir)];
      assert.ok(partsA.names.length > 0 && partsA.rules.length > 1 && partsA.imageKeys.length > 0);
      assert.ok(
        partsA.names.every((name) => name.includes(`-${a.meta.nameTag}-`)),
        `names carry the seed's tag: ${partsA.names.join(', ')}`,
      );
      assert.deepEqual(partsB.names, partsA.names);
      assert.deepEqual(partsB.rules, partsA.rules);
      assert.deepEqual(partsB.imageKeys, partsA.imageKeys);
    } finally {
      for (const run of runs) await run.cleanup();
    }
  });
});
