// Writer throughput (events/s) and heap while streaming many events through RunRecordWriter the way a
// run does: synchronous appends, with the producer yielding to the event loop between batches.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RunRecordWriter, type HistoryEvent } from '../../record/index.js';

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

// Heap after a full collection is what the writer retains; without it the samples show garbage timing.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const heapMb = () => {
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/** Appends `count` events (and a decision every 10th), yielding every 1000 like a run's event loop would. */
async function writeEvents(
  runDir: string,
  count: number,
  sample?: (id: number, writer: RunRecordWriter) => void,
) {
  const writer = await RunRecordWriter.create(runDir);
  const start = process.hrtime.bigint();
  for (let id = 1; id <= count; id++) {
    writer.append(watchEvent(id));
    if (id % 10 === 0) {
      writer.appendDecision({ id, ts: 1_790_000_000_000 + id, op: 'PutObject', rule: null, action: 'pass' });
    }
    if (id % 1000 === 0) {
      await writer.drained();
      sample?.(id, writer);
    }
  }
  await writer.close();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function measureWriter(dir: string, count: number) {
  // Throughput: three timed passes without sampling (the median is reported).
  const times: number[] = [];
  for (let pass = 0; pass < 3; pass++) times.push(await writeEvents(join(dir, `writer-${pass}`), count));
  const seconds = [...times].sort((a, b) => a - b)[1]!;
  // Memory: one more pass, heap after a full collection at every tenth of the way.
  const before = heapMb();
  const samples: { events: number; heapMb: number; pendingKb: number }[] = [];
  await writeEvents(join(dir, 'writer-heap'), count, (id, writer) => {
    if (id % (count / 10) === 0) {
      samples.push({
        events: id,
        heapMb: +heapMb().toFixed(1),
        pendingKb: Math.round(writer.pendingBytes / 1024),
      });
    }
  });
  const heaps = samples.map((s) => s.heapMb);
  return {
    events: count,
    seconds: +seconds.toFixed(3),
    eventsPerSecond: Math.round(count / seconds),
    heapBeforeMb: +before.toFixed(1),
    heapSamples: samples,
    heapGrowthMb: +(Math.max(...heaps) - Math.min(...heaps)).toFixed(1),
  };
}
