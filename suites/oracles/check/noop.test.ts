import assert from 'node:assert/strict';
import { checkHistory } from './check-history.js';
import { NoopChecker } from './noop.js';
import { HistoryStory } from './story.js';

describe('noop checker', () => {
  it('sees every event, judges nothing, and so cannot pass a run on its own', async () => {
    const story = new HistoryStory();
    story.at(0).phase('faults');
    story.at(1000).systemBackup('sb-1', 'Ready');
    const noop = new NoopChecker();
    const verdict = await checkHistory(story.events, { stallWindowMs: 30_000, faultClass: 'none' }, [noop]);
    assert.equal(noop.observed, story.events.length);
    assert.equal(verdict.valid, 'unknown');
    assert.deepEqual(
      verdict.checks.map((c) => c.name),
      ['observer-gaps'],
    );
  });
});
