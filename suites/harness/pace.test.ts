// Paced time from fake schedstat readings (docs/design.md#run-record): the share of each interval, the
// pace events it records, and a paced clock that sleeps longer when the run's processes are starved.
import assert from 'node:assert/strict';
import { ManualClock } from '../../common/index.js';
import type { PaceEvent } from '../../record/index.js';
import { History } from './history.js';
import { PACE_FLOOR, Pacer, intervalShare } from './pace.js';
import { PaceTimeline } from './pace-timeline.js';
import type { SchedstatSource, ThreadCounters } from './schedstat.js';

/** Counters the test moves by hand: what the run's threads ran and waited. */
class FakeSchedstat implements SchedstatSource {
  private readonly threads = new Map<string, ThreadCounters>([['1/1', { runNs: 0, waitNs: 0 }]]);
  reads = 0;

  /** The thread `1/1` ran `runMs` and waited `waitMs` more. */
  burn(runMs: number, waitMs: number): void {
    const thread = this.threads.get('1/1') as ThreadCounters;
    thread.runNs += runMs * 1e6;
    thread.waitNs += waitMs * 1e6;
  }

  async read(): Promise<Map<string, ThreadCounters>> {
    this.reads++;
    return new Map([...this.threads].map(([key, c]) => [key, { ...c }]));
  }
}

function counters(entries: Record<string, [number, number]>): Map<string, ThreadCounters> {
  return new Map(
    Object.entries(entries).map(([k, [run, wait]]) => [k, { runNs: run * 1e6, waitNs: wait * 1e6 }]),
  );
}

function paceEvents(history: History): PaceEvent[] {
  return history.events.filter((e): e is PaceEvent => e.type === 'pace');
}

describe('paced time', () => {
  describe('intervalShare', () => {
    it('is run / (run + wait) over the threads seen at both ends', () => {
      const before = counters({ '1/1': [100, 100], '1/2': [0, 0], '2/9': [50, 0] });
      const after = counters({ '1/1': [200, 300], '1/2': [100, 0], '3/3': [900, 900] });
      // 1/1: ran 100, waited 200; 1/2: ran 100; 2/9 is gone and 3/3 is new: neither counts.
      assert.deepEqual(intervalShare(before, after, 1000), { share: 0.5, runMs: 200, waitMs: 200 });
    });

    it('is 1 when the processes barely asked for CPU, and when they asked for none', () => {
      const before = counters({ '1/1': [0, 0] });
      // 4 ms of run and 36 ms of wait in 1 s: 0.04 of a CPU asked, below the 0.05 that counts.
      assert.equal(intervalShare(before, counters({ '1/1': [4, 36] }), 1000).share, 1);
      assert.equal(intervalShare(before, counters({ '1/1': [0, 0] }), 1000).share, 1);
      assert.equal(intervalShare(before, counters({ '1/1': [10, 40] }), 1000).share, 0.2);
    });
  });

  describe('Pacer', () => {
    let clock: ManualClock;
    let history: History;
    let source: FakeSchedstat;
    let pacer: Pacer;
    beforeEach(async () => {
      clock = new ManualClock();
      history = new History({ clock, retain: true });
      source = new FakeSchedstat();
      pacer = new Pacer({ history, clock, source, intervalMs: 500 });
      await clock.advance(1000);
    });
    afterEach(async () => {
      await pacer.stop();
    });

    it('records paced time equal to wall time while idle, slower while starved', async () => {
      await pacer.start();
      await clock.advance(500); // idle
      source.burn(100, 200); // starved: a third of what it asked for
      await clock.advance(500);
      source.burn(400, 100);
      await clock.advance(500);
      const events = paceEvents(history);
      assert.deepEqual(
        events.map((e) => [e.t, e.pacedMs, e.share]),
        [
          [1000, 1000, 1],
          [1500, 1500, 1],
          [2000, 1666.667, 0.333],
          [2500, 2066.667, 0.8],
        ],
      );
      assert.ok(Math.abs(pacer.now() - 2066.667) < 0.001, 'at a sample, the clock reads the recorded value');
      await clock.advance(250);
      assert.ok(Math.abs(pacer.now() - (2066.667 + 250 * 0.8)) < 0.01, 'between samples: at the last share');
    });

    it('never goes backwards when the share drops at a sample', async () => {
      await pacer.start();
      source.burn(500, 0);
      await clock.advance(500); // share 1
      await clock.advance(400);
      const before = pacer.now();
      source.burn(5, 995); // almost fully starved
      await clock.advance(100);
      const readings: number[] = [];
      for (let i = 0; i < 5; i++) {
        readings.push(pacer.now());
        source.burn(10, 490);
        await clock.advance(500);
      }
      readings.push(pacer.now());
      assert.ok(readings[0]! >= before);
      for (let i = 1; i < readings.length; i++) assert.ok(readings[i]! >= readings[i - 1]!, `${readings}`);
      const timeline = new PaceTimeline();
      for (const e of paceEvents(history)) timeline.add(e.t, e.pacedMs);
      assert.ok(timeline.measured, 'the recorded samples form a valid timeline');
    });

    it('sleeps in paced time: three times longer in wall time at share 1/3', async () => {
      await pacer.start();
      let woke: number | undefined;
      const sleeping = pacer.clock.sleep(1000).then(() => (woke = history.now()));
      for (let i = 0; i < 10 && woke === undefined; i++) {
        source.burn(100, 200);
        await clock.advance(500);
      }
      await sleeping;
      // The first interval's share is not known before its sample: 500 ms at 1/3 from then on makes 1 s
      // of paced time after 3 s of wall time, give or take the interval the share was first measured in.
      assert.ok(
        woke !== undefined && woke >= 1000 + 3000 - 500 && woke <= 1000 + 3000 + 1,
        `woke at ${woke}`,
      );
    });

    it('bounds a paced sleep at four times its length in wall time, however starved (PACE_FLOOR)', async () => {
      // The workload's stall wait sleeps on this clock: at share 0.1 a 30 s window would take 300 s of
      // wall time; the floor makes it 120 s. The events keep the share that was measured.
      await pacer.start();
      let woke: number | undefined;
      const sleeping = pacer.clock.sleep(30_000).then(() => (woke = history.now()));
      for (let i = 0; i < 700 && woke === undefined; i++) {
        source.burn(50, 450);
        await clock.advance(500);
      }
      await sleeping;
      assert.equal(PACE_FLOOR, 0.25);
      assert.ok(
        woke !== undefined && woke >= 1000 + 120_000 - 500 && woke <= 1000 + 120_000 + 500,
        `woke at ${woke}`,
      );
      assert.equal(paceEvents(history).at(-1)?.share, 0.1);
    });

    it('counts an interval whose counters could not be read as wall time', async () => {
      await pacer.start();
      source.read = async () => {
        throw new Error('EACCES');
      };
      await clock.advance(500);
      assert.deepEqual(
        paceEvents(history).map((e) => e.share),
        [1, 1],
      );
    });

    it('takes a last sample at stop and then no more', async () => {
      await pacer.start();
      await clock.advance(200);
      await pacer.stop();
      const reads = source.reads;
      await clock.advance(2000);
      assert.equal(source.reads, reads);
      assert.deepEqual(
        paceEvents(history).map((e) => e.t),
        [1000, 1200],
      );
      assert.equal(clock.pending, 0, 'no timer left behind');
    });
  });

  describe('PaceTimeline', () => {
    it('is wall time without samples, and the line through the samples with them', () => {
      const timeline = new PaceTimeline();
      assert.equal(timeline.at(1234), 1234);
      timeline.add(1000, 1000);
      timeline.add(2000, 1500);
      timeline.add(3000, 2000); // on the line: merged
      timeline.add(4000, 3000);
      assert.equal(timeline.points, 3);
      assert.equal(timeline.at(500), 500);
      assert.equal(timeline.at(2500), 1750);
      assert.equal(timeline.at(3500), 2500);
      assert.equal(timeline.at(5000), 4000);
      assert.equal(timeline.duration(1000, 3000), 1000);
    });

    it('gives the mean measured share over a stretch, before the floor', () => {
      const timeline = new PaceTimeline();
      assert.equal(timeline.meanShare(0, 1000), 1, 'no samples: wall time');
      timeline.add(1000, 1000, 1);
      timeline.add(2000, 1250, 0.1); // floored to 0.25 in paced time; 0.1 measured
      timeline.add(3000, 2250, 1);
      assert.equal(timeline.duration(1000, 2000), 250);
      assert.ok(Math.abs(timeline.meanShare(1000, 2000) - 0.1) < 1e-9);
      assert.ok(Math.abs(timeline.meanShare(1000, 3000) - 0.55) < 1e-9);
      assert.equal(timeline.meanShare(3000, 4000), 1, 'after the last sample: at the speed of t');
    });

    it('refuses paced time that goes backwards or runs faster than t', () => {
      const timeline = new PaceTimeline();
      timeline.add(1000, 1000);
      assert.throws(() => timeline.add(2000, 900), /never backwards/);
      assert.throws(() => timeline.add(2000, 2500), /never faster than t/);
      assert.throws(() => timeline.add(500, 500), /comes before/);
    });
  });
});
