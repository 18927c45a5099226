// no-stuck-state in paced time (docs/design.md#run-record): a history with `pace` events is judged on
// the paced clock, so a BBI that is slow only because the machine starved the run's processes is not
// stuck, while one that never changes again still is.
import assert from 'node:assert/strict';
import type { CheckResult, HistoryEvent, Verdict } from '../../../record/index.js';
import type { CheckOptions } from './checker.js';
import { checkHistory } from './check-history.js';
import { HistoryStory } from './story.js';

const benign: CheckOptions = { stallWindowMs: 30_000, faultClass: 'benign' };
const COMPLETE = '2026-01-01T00:00:12Z';

function stuckResults(verdict: Verdict): CheckResult[] {
  return verdict.checks.filter((c) => c.name === 'no-stuck-state');
}

/**
 * One system backup whose BBI's progress moves by `step`% every `everyMs` of wall time up to `endAt`,
 * with a pace sample every second at `share` (none when `share` is undefined: a wall-clock record).
 */
function slowRun(options: {
  share: number | undefined;
  everyMs: number;
  step: number;
  endAt: number;
}): HistoryStory {
  const s = new HistoryStory();
  s.rule('add', 'slow-cfg', 'latency', { matched: 1, applied: 1 });
  let paced = 0;
  let nextProgressAt = 2000 + options.everyMs;
  let progress = 0;
  for (let t = 0; t <= options.endAt; t += 1000) {
    s.at(t);
    if (options.share !== undefined) {
      if (t > 0) paced += 1000 * options.share;
      s.pace(paced, options.share);
    }
    if (t === 1000) s.systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
    if (t === 2000) s.bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
    if (t === nextProgressAt && progress < 100) {
      progress = Math.min(100, progress + options.step);
      s.bbi('bi-1-aaaa', 'bi-1', progress === 100 ? 'Completed' : 'InProgress', progress);
      if (progress === 100) s.systemBackup('sb-1', 'Ready');
      nextProgressAt += options.everyMs;
    }
  }
  s.store({ 'bi-1': COMPLETE });
  return s;
}

describe('no-stuck-state in paced time', () => {
  it('judges a stall on an idle machine (share 1) as in wall time, and says both durations', async () => {
    const s = slowRun({ share: 1, everyMs: 40_000, step: 50, endAt: 90_000 });
    const stuck = stuckResults(await checkHistory(s.events, benign));
    const bbi = stuck.find((c) => c.subject === 'BackupBackingImage/bi-1-aaaa');
    assert.equal(bbi?.valid, false, JSON.stringify(stuck));
    assert.match(
      bbi.message,
      /stayed InProgress 0% for 40 s of paced time \(40 s wall\) \(stall window 30 s of paced time\)/,
    );
  });

  it('does not call a slow-but-moving BBI stuck when its processes got a third of the CPU', async () => {
    // A change every 60 s of wall time is 20 s of paced time at share 1/3: inside the 30 s window.
    const starved = slowRun({ share: 1 / 3, everyMs: 60_000, step: 25, endAt: 300_000 });
    const verdict = await checkHistory(starved.events, benign);
    const stuck = stuckResults(verdict);
    assert.deepEqual(
      stuck.map((c) => c.valid),
      [true],
      JSON.stringify(stuck),
    );
    assert.match(stuck[0]!.message, /longer than 30 s of paced time without a change/);
    // The same history without pace events is judged in wall time, as records from before paced time are.
    const wall = slowRun({ share: undefined, everyMs: 60_000, step: 25, endAt: 300_000 });
    const wallStuck = stuckResults(await checkHistory(wall.events, benign));
    assert.ok(
      wallStuck.some((c) => c.valid === false && /for 60 s \(stall window 30 s\)/.test(c.message)),
      JSON.stringify(wallStuck),
    );
  });

  it('still fails a BBI that never changes again under the same starvation', async () => {
    const forever = slowRun({ share: 1 / 3, everyMs: 1_000_000, step: 25, endAt: 200_000 });
    const stuck = stuckResults(await checkHistory(forever.events, benign));
    const bbi = stuck.find((c) => c.subject === 'BackupBackingImage/bi-1-aaaa');
    assert.equal(bbi?.valid, false, JSON.stringify(stuck));
    assert.match(bbi.message, /for 66 s of paced time \(198 s wall\) until the end of the observation/);
    const sb = stuck.find((c) => c.subject === 'SystemBackup/sb-1');
    assert.equal(sb?.valid, false);
  });

  it('says too early to tell when the stretch is past the window in wall time but not in paced time', async () => {
    const early = slowRun({ share: 1 / 3, everyMs: 1_000_000, step: 25, endAt: 80_000 });
    const stuck = stuckResults(await checkHistory(early.events, benign));
    assert.ok(stuck.length > 0);
    for (const check of stuck) {
      assert.equal(check.valid, 'unknown', JSON.stringify(check));
      assert.match(check.message, /of paced time \(\d+ s wall\) after its last change .*too early to tell/);
    }
  });

  it('applies pace samples whatever scenario they were stamped with', async () => {
    const scoped = slowRun({ share: 1 / 3, everyMs: 60_000, step: 25, endAt: 300_000 });
    const events: HistoryEvent[] = scoped.events.map((e) =>
      e.type === 'pace' ? { ...e, scenario: 'another' } : { ...e, scenario: 'this' },
    );
    const verdict = await checkHistory(events, { ...benign, scenario: 'this' });
    assert.deepEqual(
      stuckResults(verdict).map((c) => c.valid),
      [true],
    );
  });

  it('measures the longest stretch seen between observer gaps in paced time', async () => {
    const s = slowRun({ share: 0.5, everyMs: 1_000_000, step: 25, endAt: 150_000 });
    // The stall is 74 s of paced time, but a gap from 60 s to the end leaves only 2..60 s seen: 58 s of
    // wall time, 29 s of paced time at share 1/2, inside the window: a change may have hidden in the gap.
    s.at(150_000).gap('BackupBackingImage', 60_000);
    const stuck = stuckResults(await checkHistory(s.events, benign));
    const bbi = stuck.find((c) => c.subject === 'BackupBackingImage/bi-1-aaaa');
    assert.equal(bbi?.valid, 'unknown', JSON.stringify(stuck));
    assert.match(bbi.message, /longest stretch seen without a gap is 29 s of paced time/);
  });
});
