import assert from 'node:assert/strict';
import { ManualClock } from '../../common/index.js';
import { History } from './history.js';
import type { NewEvent } from '../../record/index.js';
import { HistoryTap, OpRecorder } from './tap.js';

describe('HistoryTap and OpRecorder', () => {
  it('resolves next() with the first matching event, or undefined when the time runs out', async () => {
    const clock = new ManualClock();
    const tap = new HistoryTap();
    const history = new History({ clock, sink: tap.deliver, retain: true });
    const found = tap.next((e) => e.type === 'phase' && e.name === 'faults', 1000, clock);
    history.append({ type: 'phase', name: 'setup' } as NewEvent);
    history.append({ type: 'phase', name: 'faults' } as NewEvent);
    await history.flush();
    assert.equal((await found)?.id, 2);
    const none = tap.next(() => false, 1000, clock);
    await clock.advance(1000);
    assert.equal(await none, undefined);
  });

  it('rejects next() at once when its signal was aborted before the wait began', async () => {
    const clock = new ManualClock();
    const tap = new HistoryTap();
    const interrupted = new AbortController();
    interrupted.abort(new Error('SIGINT received'));
    // The manual clock never advances: only the signal can end this wait.
    await assert.rejects(
      tap.next(() => false, 60_000, clock, interrupted.signal),
      /SIGINT received/,
    );
  });

  it('pairs invoke with ok, and records a throwing action as info with its error', async () => {
    const clock = new ManualClock();
    const history = new History({ clock, retain: true });
    const ops = new OpRecorder(history);
    assert.equal(await ops.run('workload', 'create', { name: 'a' }, async () => 5), 5);
    await assert.rejects(
      ops.run('workload', 'create', { name: 'b' }, async () => {
        throw new Error('timed out');
      }),
      /timed out/,
    );
    const phases = history.events.map((e) => (e.type === 'op' ? `${e.opId}:${e.phase}` : ''));
    assert.deepEqual(phases, ['1:invoke', '1:ok', '2:invoke', '2:info']);
    const last = history.events[3];
    assert.equal(last?.type === 'op' ? last.error : undefined, 'timed out');
  });
});
