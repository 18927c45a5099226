// no-stuck-state with the pace floor (docs/design.md#run-record): paced time advances by at least
// PACE_FLOOR of wall time, so a stuck object is judged within 4 windows of wall time however starved the
// run; a stall that only the floor carried past the window is unknown, not a failure. The pace samples come
// from the real Pacer on fake schedstat readings, so these tests cover the floor and the judge together.
import assert from 'node:assert/strict';
import { ManualClock } from '../../../common/index.js';
import type { CheckResult, PaceEvent } from '../../../record/index.js';
import { History, PACE_FLOOR, Pacer } from '../../harness/index.js';
import type { SchedstatSource, ThreadCounters } from '../../harness/index.js';
import type { CheckOptions } from './checker.js';
import { checkHistory } from './check-history.js';
import { HistoryStory } from './story.js';

const WINDOW = 30_000;
const benign: CheckOptions = { stallWindowMs: WINDOW, faultClass: 'benign' };
/** When the BBI enters InProgress 0%: the stall starts here. */
const STALL_FROM = 2000;

/** One thread asking for a whole CPU and getting `share` of it, every sample interval. */
class StarvedThread implements SchedstatSource {
  private runNs = 0;
  private waitNs = 0;
  constructor(private readonly share: number) {}
  burn(ms: number): void {
    this.runNs += ms * this.share * 1e6;
    this.waitNs += ms * (1 - this.share) * 1e6;
  }
  async read(): Promise<Map<string, ThreadCounters>> {
    return new Map([['1/1', { runNs: this.runNs, waitNs: this.waitNs }]]);
  }
}

/** The pace events the Pacer records over `endMs` of wall time while the run gets `share` of the CPU. */
async function paceSamples(share: number, endMs: number): Promise<PaceEvent[]> {
  const clock = new ManualClock();
  const history = new History({ clock, retain: true });
  const source = new StarvedThread(share);
  const pacer = new Pacer({ history, clock, source, intervalMs: 1000 });
  await pacer.start();
  for (let t = 0; t < endMs; t += 1000) {
    source.burn(1000);
    await clock.advance(1000);
  }
  await pacer.stop();
  return history.events.filter((e): e is PaceEvent => e.type === 'pace');
}

/**
 * A system backup whose BBI enters InProgress 0% at 2 s and moves 25% every `everyMs` of wall time (never,
 * by default) until it completes, observed for `endMs` of wall time at `share`.
 */
async function run(share: number, endMs: number, everyMs = Infinity): Promise<CheckResult[]> {
  const s = new HistoryStory();
  s.rule('add', 'slow-cfg', 'latency', { matched: 1, applied: 1 });
  let progress = 0;
  let nextChange = STALL_FROM + everyMs;
  for (const sample of await paceSamples(share, endMs)) {
    s.at(sample.t).pace(sample.pacedMs, sample.share);
    if (sample.t === 1000) s.systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
    if (sample.t === STALL_FROM) s.bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
    if (sample.t === nextChange && progress < 100) {
      progress += 25;
      s.bbi('bi-1-aaaa', 'bi-1', progress === 100 ? 'Completed' : 'InProgress', progress);
      if (progress === 100) s.systemBackup('sb-1', 'Ready');
      nextChange += everyMs;
    }
  }
  s.store({ 'bi-1': '2026-01-01T00:00:12Z' });
  const verdict = await checkHistory(s.events, benign);
  return verdict.checks.filter((c) => c.name === 'no-stuck-state');
}

function bbiOf(checks: CheckResult[]): CheckResult {
  const bbi = checks.find((c) => c.subject === 'BackupBackingImage/bi-1-aaaa');
  assert.ok(bbi, JSON.stringify(checks));
  return bbi;
}

describe('no-stuck-state with the pace floor', () => {
  it('fails a stuck-forever BBI one window after its last change when the run got all its CPU', async () => {
    assert.equal(bbiOf(await run(1, STALL_FROM + WINDOW - 1000)).valid, 'unknown', 'too early');
    const stuck = bbiOf(await run(1, STALL_FROM + WINDOW + 1000));
    assert.equal(stuck.valid, false, stuck.message);
    assert.doesNotMatch(stuck.message, /CPU they asked for/);
  });

  it('fails it after two windows of wall time at share 0.5 (above the floor: the share paces it)', async () => {
    assert.equal(bbiOf(await run(0.5, STALL_FROM + 2 * WINDOW - 1000)).valid, 'unknown', 'too early');
    const stuck = bbiOf(await run(0.5, STALL_FROM + 2 * WINDOW + 1000));
    assert.equal(stuck.valid, false, stuck.message);
    assert.match(stuck.message, /for 30\.5 s of paced time \(61 s wall\)/);
  });

  it('at share 0.1 lets the window pass after four windows of wall time, and says unknown, naming the share', async () => {
    assert.equal(PACE_FLOOR, 0.25);
    const early = bbiOf(await run(0.1, STALL_FROM + 4 * WINDOW - 1000));
    assert.equal(early.valid, 'unknown');
    assert.match(early.message, /too early to tell/);
    const starved = bbiOf(await run(0.1, STALL_FROM + 4 * WINDOW + 1000));
    assert.equal(starved.valid, 'unknown', starved.message);
    assert.match(
      starved.message,
      /for 30\.3 s of paced time \(121 s wall\) until the end of the observation .*but the run's processes got only 10% of the CPU they asked for during it \(below the 25% floor\), so the machine, not Longhorn, may have held it up/,
    );
  });

  it('fails a starved stall that is longer than the window even at the share the run really got', async () => {
    // 11 windows of wall time at share 0.1 is 1.1 windows at that share: stuck, however starved.
    const stuck = bbiOf(await run(0.1, STALL_FROM + 11 * WINDOW + 1000));
    assert.equal(stuck.valid, false, stuck.message);
    assert.doesNotMatch(stuck.message, /CPU they asked for/);
  });

  it('does not call a slow-but-moving BBI stuck at share 0.3', async () => {
    // A change every 90 s of wall time is 27 s of paced time at share 0.3: inside the 30 s window.
    const checks = await run(0.3, 400_000, 90_000);
    assert.deepEqual(
      checks.map((c) => c.valid),
      [true],
      JSON.stringify(checks),
    );
  });

  it('prefers a stall the run was fed in over a longer starved one, and fails it', async () => {
    // Starved (share 0.1) for 200 s, then fed (share 1) for 40 s, with a change in between.
    const s = new HistoryStory();
    s.at(1000).pace(1000, 1);
    s.systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
    s.at(STALL_FROM).pace(2000, 1);
    s.bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
    s.at(202_000).pace(2000 + 200_000 * PACE_FLOOR, 0.1);
    s.bbi('bi-1-aaaa', 'bi-1', 'InProgress', 1);
    s.at(242_000).pace(2000 + 200_000 * PACE_FLOOR + 40_000, 1);
    s.store({ 'bi-1': '2026-01-01T00:00:12Z' });
    const stuck = bbiOf(
      (await checkHistory(s.events, benign)).checks.filter((c) => c.name === 'no-stuck-state'),
    );
    assert.equal(stuck.valid, false, stuck.message);
    assert.match(stuck.message, /stayed InProgress 1% for 40 s of paced time \(40 s wall\)/);
  });
});
