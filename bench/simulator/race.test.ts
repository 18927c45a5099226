// #10740 through the simulator and the real fault proxy, forced by state: each seed's cfg stays out of
// listings until the BackupTarget controller has deleted a BBI as missing (the race), and the sync
// hammer keeps that controller listing. Then v1.8.1 sticks in CreatingBackingImageBackups with a BBI at
// InProgress 0% on every seed and v1.9.0 reaches Ready with every BBI Completed 100, whatever the load.
// How often a fixed-time lag catches the race is a rate, measured by the benchmark race.ts.
// It lives in bench/ because the simulator's own tests may not import the fault proxy (lint boundary).
import assert from 'node:assert/strict';
import { startS3Proxy, type S3Proxy } from '../../fault-injectors/index.js';
import type { ScenarioResult } from '../../fixtures/simulator/index.js';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import { describeSeeds, inBatches, runSeed } from './race-seeds.js';

const SEEDS = 3;
const FACTOR = 0.5;

describe('simulator: #10740 race through the fault proxy, forced by state', function () {
  this.timeout(600_000);
  const local = useLocalEnvironment();
  let proxy: S3Proxy | undefined;

  before(async function () {
    proxy = await startS3Proxy({ upstream: local().env.s3.endpoint, seed: 7 });
  });
  after(async function () {
    await proxy?.close();
  });

  const runSeeds = (version: 'v1.8.1' | 'v1.9.0'): Promise<ScenarioResult[]> =>
    inBatches(SEEDS, 2, (seed) =>
      runSeed({
        env: local().env,
        proxy: proxy!,
        version,
        seed,
        lag: 'until-race',
        factor: FACTOR,
        images: 3,
        disks: 4,
        plainVolumes: 2,
        pollInterval: '300s',
        hammerMs: 2_000 * FACTOR,
        // Bounds for a hang, not for speed: the outcome is decided by the forced sequence.
        deadlineMs: 240_000,
        // A BBI at 0% with its cfg complete in the store for this long is the bug's signature; v1.9.0
        // leaves 0% within a monitor period or two once the cfg is there.
        stuckAfterMs: 20_000,
      }),
    );

  it(`v1.8.1: every one of ${SEEDS} seeds sticks at InProgress 0% after the race`, async () => {
    const results = await runSeeds('v1.8.1');
    console.log(`v1.8.1, lag until the race:\n${describeSeeds(results)}`);
    for (const r of results) {
      assert.ok(r.raceDeletions > 0, `the race was forced:\n${describeSeeds(results)}`);
      assert.equal(r.outcome, 'stuck', describeSeeds(results));
      assert.ok(
        r.bbis.some((b) => b.state === 'InProgress' && b.progress === 0),
        JSON.stringify(r.bbis),
      );
    }
  });

  it(`v1.9.0: every one of ${SEEDS} seeds reaches Ready with every BBI Completed 100 after the same race`, async () => {
    const results = await runSeeds('v1.9.0');
    console.log(`v1.9.0, lag until the race:\n${describeSeeds(results)}`);
    for (const r of results) {
      assert.ok(r.raceDeletions > 0, `the race was forced:\n${describeSeeds(results)}`);
      assert.equal(r.outcome, 'ready', describeSeeds(results));
      assert.ok(
        r.bbis.length >= 2 && r.bbis.every((b) => b.state === 'Completed' && b.progress === 100),
        JSON.stringify(r.bbis),
      );
    }
  });
});
