import assert from 'node:assert/strict';
import { ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('wakes sleepers in time order only when advanced past their time', async () => {
    const clock = new ManualClock();
    const woke: string[] = [];
    void clock.sleep(200).then(() => woke.push('b'));
    void clock.sleep(100).then(() => woke.push('a'));
    await clock.advance(50);
    assert.deepEqual(woke, []);
    await clock.advance(200);
    assert.deepEqual(woke, ['a', 'b']);
    assert.equal(clock.monotonic(), 250);
  });

  it('lets a woken loop sleep again within the same advance', async () => {
    const clock = new ManualClock();
    let ticks = 0;
    void (async () => {
      for (;;) {
        await clock.sleep(10);
        ticks++;
      }
    })();
    await clock.advance(55);
    assert.equal(ticks, 5);
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(sleeping, /stop/);
    assert.equal(clock.pending, 0);
  });
});

describe('systemClock', () => {
  it('rejects an aborted sleep at once', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await assert.rejects(systemClock.sleep(10_000, controller.signal), /already/);
  });
});
