// judgeRun: an interrupted or cut-short scenario cannot fail an "eventually" check, keeps what it really
// saw, and a record that does not tell a whole run never passes.
import assert from 'node:assert/strict';
import type { CheckResult, HistoryEvent, RunMeta } from '../../record/index.js';
import { HistoryStory } from '../oracles/index.js';
import { judgeRun } from './check.js';

const meta = {
  runId: 'r',
  seed: 1,
  profile: 'smoke',
  env: 'local',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:01:00Z',
  repro: 'lhchaos run',
  longhorn: { version: 'v1.9.0', simulated: true },
  tools: {},
  scenarios: [{ name: 'partial-sync', description: '', iterations: 1, faultClass: 'benign' }],
  timeFactor: 1,
  stallWindowMs: 30_000,
} as RunMeta;

const unfinishedMeta = { ...meta, finishedAt: undefined } as RunMeta;

/**
 * A BBI still InProgress (but moving) when the observation ends; optionally a progress regression. The
 * scenario ends with its store read and the run with its teardown, unless cut short or interrupted.
 */
function story(options: { interrupted?: boolean; regress?: boolean; cutShort?: boolean }): HistoryEvent[] {
  const s = new HistoryStory('partial-sync');
  s.phase('faults');
  s.systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
  s.after(1_000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 40);
  s.after(5_000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', options.regress ? 20 : 60);
  if (options.cutShort) return s.events; // SIGKILL: nothing after the last event reached the record
  if (options.interrupted) {
    s.after(1_000).push({
      type: 'log',
      level: 'error',
      source: 'runner',
      message: 'interrupted: SIGINT',
      scenario: 'partial-sync',
    });
  } else {
    s.after(1_000).store({ 'bi-1': '' });
  }
  s.after(1_000).phase('teardown');
  return s.events;
}

const runnerCompleted = (checks: CheckResult[]) => checks.filter((c) => c.name === 'runner-completed');

describe('judgeRun', () => {
  it('fails an unfinished BBI when the scenario ran to its end', async () => {
    const events = story({});
    const verdict = await judgeRun(() => events, meta);
    assert.equal(verdict.checks.find((c) => c.name === 'bbi-completes')?.valid, false);
    assert.deepEqual(
      runnerCompleted(verdict.checks).map((c) => c.valid),
      [true],
    );
    assert.equal(verdict.valid, false);
  });

  it('turns "eventually" checks of an interrupted scenario into unknown', async () => {
    const events = story({ interrupted: true });
    const verdict = await judgeRun(() => events, meta);
    const completes = verdict.checks.find((c) => c.name === 'bbi-completes');
    assert.equal(completes?.property, 'liveness', 'the checker declares what it is');
    assert.equal(completes?.valid, 'unknown');
    assert.match(completes?.message ?? '', /did not finish/);
    assert.equal(verdict.checks.find((c) => c.name === 'runner-completed')?.valid, 'unknown');
    assert.equal(verdict.valid, 'unknown');
  });

  it('keeps a safety violation seen before the interruption', async () => {
    const events = story({ interrupted: true, regress: true });
    const verdict = await judgeRun(() => events, meta);
    const monotonic = verdict.checks.find((c) => c.name === 'progress-monotonic');
    assert.equal(monotonic?.property, 'safety');
    assert.equal(monotonic?.valid, false);
    assert.equal(verdict.valid, false);
  });

  it('judges a record cut short (a SIGKILLed runner) like an interrupted run: unknown, not a FAIL', async () => {
    const events = story({ cutShort: true });
    const verdict = await judgeRun(() => events, unfinishedMeta);
    const completed = runnerCompleted(verdict.checks);
    assert.ok(completed.length > 0 && completed.every((c) => c.valid === 'unknown'));
    assert.match(completed.map((c) => c.message).join('\n'), /cut short.*no teardown phase.*no finish time/);
    assert.equal(verdict.checks.find((c) => c.name === 'bbi-completes')?.valid, 'unknown');
    assert.equal(verdict.valid, 'unknown');
    // The same history with the record closed (teardown, finish time) but no store read still cannot pass.
    const closed = [...events, { ...events.at(-1)!, id: events.length + 1, type: 'phase', name: 'teardown' }];
    const again = await judgeRun(() => closed as HistoryEvent[], meta);
    assert.equal(again.valid, 'unknown');
    assert.match(
      runnerCompleted(again.checks)
        .map((c) => c.message)
        .join('\n'),
      /scenario partial-sync did not finish: no store read/,
    );
  });

  it('never passes a run interrupted in its setup or between scenarios', async () => {
    const two = {
      ...meta,
      scenarios: [
        { name: 'latency', description: '', iterations: 1, faultClass: 'benign' },
        { name: 'throttle', description: '', iterations: 1, faultClass: 'benign' },
      ],
    } as RunMeta;
    // The first scenario passed every check and read the store; the signal came before the second.
    const s = new HistoryStory('latency');
    s.phase('faults');
    s.systemBackup('sb-1', 'Ready', 1);
    s.after(1_000).store({});
    const between = [
      ...s.events,
      {
        id: s.lastId + 1,
        t: 2_000,
        ts: 2_000,
        type: 'log',
        level: 'error',
        source: 'runner',
        message: 'interrupted: SIGTERM received',
      },
      { id: s.lastId + 2, t: 2_001, ts: 2_001, type: 'phase', name: 'teardown' },
    ] as HistoryEvent[];
    const verdict = await judgeRun(() => between, two);
    assert.notEqual(verdict.valid, true);
    assert.equal(verdict.valid, 'unknown');
    const messages = runnerCompleted(verdict.checks).map((c) => c.message);
    assert.ok(
      messages.some((m) => /interrupted: SIGTERM/.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      runnerCompleted(verdict.checks).some(
        (c) => c.scenario === 'throttle' && /did not finish/.test(c.message),
      ),
      'the skipped scenario is named',
    );
    // Even without the interruption event (a record from an older runner), the skipped scenario is seen.
    const silent = between.filter((e) => e.type !== 'log');
    assert.equal((await judgeRun(() => silent, two)).valid, 'unknown');
  });

  it('never passes a record whose meta.json lists no scenarios: it judged nothing', async () => {
    const s = new HistoryStory();
    s.phase('setup');
    s.phase('teardown');
    const verdict = await judgeRun(() => s.events, { ...meta, scenarios: [] });
    assert.equal(verdict.valid, 'unknown');
    assert.match(runnerCompleted(verdict.checks)[0]?.message ?? '', /lists no scenarios/);
  });
});
