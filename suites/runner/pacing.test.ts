// startPacing (run-setup.ts): a local target's processes are paced and sampled into the history until the
// teardown; a target whose processes are remote runs on wall time, and meta.json's `pace` says why.
import assert from 'node:assert/strict';
import { ManualClock } from '../../common/index.js';
import { History } from '../harness/index.js';
import { startPacing } from './run-setup.js';
import { TaskStack } from './tasks.js';

describe('startPacing', () => {
  it('runs a cluster target on wall time and says why', async () => {
    const clock = new ManualClock();
    const history = new History({ clock, retain: true });
    const tasks = new TaskStack();
    const pacing = await startPacing({}, { history, clock, tasks });
    assert.equal(pacing.pace.clock, 'wall');
    assert.match(pacing.pace.reason ?? '', /remote/);
    assert.equal(pacing.pacedClock, undefined);
    assert.equal(history.events.length, 0);
  });

  it("paces this process's threads, records samples, and stops with a last one at the teardown", async () => {
    const clock = new ManualClock();
    const history = new History({ clock, retain: true });
    const tasks = new TaskStack();
    const pacing = await startPacing({ paceProcesses: async () => [process.pid] }, { history, clock, tasks });
    if (pacing.pace.clock === 'wall') {
      // A system without per-thread schedstat: the reason is recorded instead of samples.
      assert.match(pacing.pace.reason ?? '', /schedstat/);
      return;
    }
    assert.deepEqual(pacing.pace, { clock: 'paced', sampleIntervalMs: 500 });
    assert.ok(pacing.pacedClock);
    await clock.advance(1000);
    await tasks.unwind(() => {});
    const samples = history.events.filter((e) => e.type === 'pace');
    assert.ok(samples.length >= 3, `first, two on the interval, last: ${samples.length}`);
    const pending = clock.pending;
    await clock.advance(5000);
    assert.equal(
      history.events.filter((e) => e.type === 'pace').length,
      samples.length,
      'no sample after stop',
    );
    assert.equal(pending, 0, 'the sampling loop left no timer');
  });
});
