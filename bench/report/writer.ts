// Writer throughput (events/s) and heap while streaming many events through RunRecordWriter the way a
// run does: synchronous appends, with the producer yielding to the event loop between batches.
import { join } from 'node:path';
import { RunRecordWriter } from '../../reports/index.js';
import type { HistoryEvent } from '../../suites/harness/index.js';

function watchEvent(id: number): HistoryEvent {
  const name = `bi-${id % 97}-3677a8e8`;
  return {
    id,
    t: id * 5,
    ts: 1_790_000_000_000 + id * 5,
    type: 'watch',
    kind: 'BackupBackingImage',
    verb: 'MODIFIED',
    source: 'watch',
    name,
    namespace: 'longhorn-system',
    resourceVersion: String(1000 + id),
    object: {
      metadata: {
        name,
        namespace: 'longhorn-system',
        resourceVersion: String(1000 + id),
        labels: { 'backup-target': 'default' },
      },
      spec: { backingImage: `bi-${id % 97}`, userCreated: true },
      status: { state: 'InProgress', progress: id % 101, managerAddress: '10.0.0.1:8000' },
    },
  };
}

const heapMb = () => process.memoryUsage().heapUsed / 1024 / 1024;

export async function measureWriter(dir: string, count: number) {
  globalThis.gc?.();
  const writer = await RunRecordWriter.create(join(dir, 'writer'));
  const samples: { events: number; heapMb: number; pendingKb: number }[] = [];
  const batch = 1000;
  const start = process.hrtime.bigint();
  for (let id = 1; id <= count; id++) {
    writer.append(watchEvent(id));
    if (id % 10 === 0)
      writer.appendDecision({ id, ts: 1_790_000_000_000 + id, op: 'PutObject', rule: null, action: 'pass' });
    if (id % batch === 0) {
      await writer.drained();
      if (id % (count / 10) === 0)
        samples.push({
          events: id,
          heapMb: +heapMb().toFixed(1),
          pendingKb: Math.round(writer.pendingBytes / 1024),
        });
    }
  }
  await writer.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const heaps = samples.map((s) => s.heapMb);
  return {
    events: count,
    seconds: +seconds.toFixed(2),
    eventsPerSecond: Math.round(count / seconds),
    heapSamples: samples,
    heapGrowthMb: +(Math.max(...heaps) - Math.min(...heaps)).toFixed(1),
  };
}
