import assert from 'node:assert/strict';
import { ManualClock } from '../../common/index.js';
import { History } from './history.js';
import type { HistoryEvent } from '../../record/index.js';

describe('History', () => {
  it('numbers events from 1, stamps monotonic t and epoch ts, and stamps the current scenario', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    await clock.advance(500); // the history's t starts at its own creation, not at the clock's origin
    const seen: HistoryEvent[] = [];
    const history = new History({ clock, retain: true, sink: (e) => void seen.push(e) });
    history.setScenario('stuck-bbi');
    const a = history.append({ type: 'phase', name: 'setup' });
    await clock.advance(250);
    const b = history.append({ type: 'phase', name: 'faults', scenario: 'other' });
    history.setScenario(undefined);
    const c = history.append({ type: 'log', level: 'info', source: 'test', message: 'hi' });
    assert.deepEqual(
      [a, b, c].map((e) => [e.id, e.t, e.ts, e.scenario]),
      [
        [1, 0, Date.UTC(2026, 0, 1) + 500, 'stuck-bbi'],
        [2, 250, Date.UTC(2026, 0, 1) + 750, 'other'],
        [3, 250, Date.UTC(2026, 0, 1) + 750, undefined],
      ],
    );
    await history.flush();
    assert.deepEqual(seen, history.events);
    assert.equal(history.lastId, 3);
  });

  it('never lets a caller-given t go backwards', () => {
    const history = new History({ clock: new ManualClock() });
    history.append({ type: 'phase', name: 'setup', t: 100 });
    const e = history.append({ type: 'phase', name: 'baseline', t: 40 });
    assert.equal(e.t, 100);
    assert.throws(() => history.events, /retain/);
  });

  it('feeds an async sink in order and reports its failure on flush', async () => {
    const order: number[] = [];
    const clock = new ManualClock();
    const history = new History({
      clock,
      sink: async (e) => {
        await new Promise((r) => setImmediate(r));
        if (e.id === 3) throw new Error('disk full');
        order.push(e.id);
      },
    });
    for (let i = 0; i < 4; i++) history.append({ type: 'phase', name: 'setup' });
    await assert.rejects(history.flush(), /history sink failed/);
    assert.deepEqual(order, [1, 2]);
  });
});
