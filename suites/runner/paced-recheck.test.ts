// Paced time from the live pacer to the offline re-check (docs/design.md#run-record): a history recorded
// with pace samples (fake schedstat readings: the run's processes get a third of what they ask for) is
// judged the same from memory and from the written record, in paced time: a slow-but-moving BBI is not
// stuck, one that never changes again is.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../common/index.js';
import { RunRecordWriter, type HistoryEvent, type NewEvent, type RunMeta } from '../../record/index.js';
import { History, Pacer, type SchedstatSource } from '../harness/index.js';
import { HistoryStory } from '../oracles/index.js';
import { judgeRun } from './check.js';
import { recheckRun } from './recheck.js';

const SCENARIO = 'partial-sync';

const meta = {
  runId: 'paced',
  seed: 1,
  profile: 'smoke',
  env: 'local',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:10:00Z',
  repro: 'lhchaos run',
  longhorn: { version: 'v1.9.0', simulated: true },
  tools: {},
  scenarios: [{ name: SCENARIO, description: '', iterations: 1, faultClass: 'benign' }],
  timeFactor: 1,
  stallWindowMs: 30_000,
  pace: { clock: 'paced', sampleIntervalMs: 500 },
} as RunMeta;

/** bi-1 moves every 60 s of wall time (20 s paced at share 1/3); bi-2 stays InProgress 0% for good. */
function story(): HistoryStory {
  const s = new HistoryStory(SCENARIO);
  s.rule('add', 'slow-cfg', 'latency', { matched: 1, applied: 1 });
  s.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
  s.at(2000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
  s.at(2500).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 0);
  for (let k = 1; k <= 4; k++)
    s.at(2000 + k * 60_000).bbi('bi-1-aaaa', 'bi-1', k === 4 ? 'Completed' : 'InProgress', k * 25);
  s.at(250_000).store({ 'bi-1': '2026-01-01T00:04:00Z' });
  s.at(251_000).phase('teardown');
  return s;
}

/**
 * The story replayed on a ManualClock through a History that a Pacer samples into, while the run's
 * processes ask for 0.6 of a CPU all along and get `share` of it.
 */
async function recordLive(share = 1 / 3): Promise<HistoryEvent[]> {
  const clock = new ManualClock();
  const history = new History({ clock, retain: true, scenario: SCENARIO });
  const source: SchedstatSource = {
    read: async () =>
      new Map([
        [
          '1/1',
          { runNs: clock.monotonic() * 0.6e6 * share, waitNs: clock.monotonic() * 0.6e6 * (1 - share) },
        ],
      ]),
  };
  const pacer = new Pacer({ history, clock, source, intervalMs: 500 });
  await pacer.start();
  for (const event of story().events) {
    await clock.advance(event.t - clock.monotonic());
    const { id: _id, ts: _ts, ...fresh } = event;
    history.append(fresh as NewEvent);
  }
  await pacer.stop();
  return [...history.events];
}

describe('paced time, live and offline', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-paced-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The live verdict, after checking that the re-check of the written record gives the same. */
  async function judgeLiveAndOffline(events: HistoryEvent[]): Promise<Awaited<ReturnType<typeof judgeRun>>> {
    const live = await judgeRun(() => events, meta);
    const writer = await RunRecordWriter.create(join(dir, 'run'));
    for (const event of events) writer.append(event);
    await writer.writeMeta(meta);
    await writer.close();
    const offline = await recheckRun(join(dir, 'run'));
    assert.deepEqual(offline.verdict, live);
    return live;
  }

  it('gives the re-check of the written record the live verdict, judged in paced time', async () => {
    const events = await recordLive();
    assert.ok(events.filter((e) => e.type === 'pace').length > 400, 'a sample every 500 ms of 251 s');
    const live = await judgeLiveAndOffline(events);

    // sb-1 moved with bi-1 until 242 s: 3 s of paced time before the end, too early to tell.
    const stuck = live.checks.filter(
      (c) => c.name === 'no-stuck-state' && c.subject?.startsWith('BackupBackingImage/'),
    );
    assert.equal(
      live.checks.find((c) => c.name === 'no-stuck-state' && c.subject === 'SystemBackup/sb-1')?.valid,
      'unknown',
    );
    assert.deepEqual(
      stuck.map((c) => [c.subject, c.valid]),
      [['BackupBackingImage/bi-2-bbbb', false]],
      JSON.stringify(stuck, null, 1),
    );
    assert.match(stuck[0]!.message, /of paced time \(\d+(\.\d)? s wall\) until the end of the observation/);
    // The same record in wall time (no pace events, as an older record) calls bi-1 stuck as well.
    const wall = await judgeRun(() => events.filter((e) => e.type !== 'pace'), meta);
    assert.ok(
      wall.checks.some(
        (c) =>
          c.name === 'no-stuck-state' && c.subject === 'BackupBackingImage/bi-1-aaaa' && c.valid === false,
      ),
    );
  });

  it('calls a stall starved, live and offline alike, when the run got a tenth of its CPU', async () => {
    // Paced time runs at the floor (a quarter of wall time): bi-2's 248.5 s of wall time are 62 s of
    // paced time, past the window, but at a mean share of 0.1 the floor carried it there.
    const live = await judgeLiveAndOffline(await recordLive(0.1));
    const stuck = live.checks.filter(
      (c) => c.name === 'no-stuck-state' && c.subject?.startsWith('BackupBackingImage/'),
    );
    assert.deepEqual(
      stuck.map((c) => [c.subject, c.valid]),
      [['BackupBackingImage/bi-2-bbbb', 'unknown']],
      JSON.stringify(stuck, null, 1),
    );
    assert.match(
      stuck[0]!.message,
      /for 62\.\d s of paced time \(248\.5 s wall\).*got only 10% of the CPU they asked for during it \(below the 25% floor\)/,
    );
  });
});
