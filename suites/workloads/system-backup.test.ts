// An iteration interrupted while a request is in flight (the abort reaches no listener at that moment)
// ends as interrupted, never as "stalled": the real API server, no simulator, the abort fired when the
// history records the SystemBackup's creation (a state, not a time).
import assert from 'node:assert/strict';
import { systemClock } from '../../common/index.js';
import type { HistoryEvent, NewEvent, OpEvent } from '../../record/index.js';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import { History, HistoryTap, OpRecorder } from '../harness/index.js';
import { cleanupRun } from './cleanup.js';
import { LonghornClient } from './longhorn-client.js';
import { nameTag } from './names.js';
import { runSystemBackupIteration } from './system-backup.js';

describe('runSystemBackupIteration', function () {
  this.timeout(120_000);
  const environment = useLocalEnvironment();

  it('records an abort during the SystemBackup create as interrupted and throws', async () => {
    const client = new LonghornClient(environment.kubeConfig(), environment().env.namespace);
    const tap = new HistoryTap();
    const events: HistoryEvent[] = [];
    const abort = new AbortController();
    const history = new History({
      clock: systemClock,
      sink: (event) => {
        events.push(event);
        tap.deliver(event);
        // The moment the create request goes out: nothing waits on the signal until it has returned.
        if (event.type === 'op' && event.f === 'system-backup' && event.phase === 'invoke')
          abort.abort(new Error('SIGINT received'));
      },
    });
    const runId = 'interrupt-test';
    try {
      await assert.rejects(
        runSystemBackupIteration({
          client,
          ops: new OpRecorder(history),
          tap,
          clock: systemClock,
          runId,
          nameTag: nameTag(1),
          imageSeed: 1,
          scenario: 'partial-sync',
          scenarioIndex: 0,
          iteration: 1,
          backingImages: 1,
          volumesPerImage: 1,
          backingImageUrl: 'http://backing-images.lhchaos.invalid/image.raw',
          volumeBackupPolicy: 'if-not-present',
          // No simulator runs: the images never get ready; the wait for them ends after this window.
          stallWindowMs: 200,
          maxWaitMs: 60_000,
          signal: abort.signal,
        }),
        /SIGINT received/,
      );
      history.append({ type: 'phase', name: 'teardown' } as NewEvent);
      await history.flush();
      const ends = events.filter(
        (e): e is OpEvent => e.type === 'op' && e.f === 'system-backup' && e.phase !== 'invoke',
      );
      assert.equal(ends.length, 1, 'the system backup op is completed once');
      assert.equal(ends[0]!.phase, 'info');
      assert.equal((ends[0]!.value as { result?: string }).result, 'interrupted');
      assert.match(ends[0]!.error ?? '', /^interrupted: SIGINT received/);
    } finally {
      await cleanupRun({ client, clock: systemClock, runId, forceFinalizers: true, timeoutMs: 10_000 });
    }
  });
});
