// judgeRun: an interrupted scenario cannot fail an "eventually" check, but keeps what it really saw.
import assert from 'node:assert/strict';
import type { HistoryEvent, RunMeta } from '../../record/index.js';
import { HistoryStory } from '../oracles/index.js';
import { judgeRun } from './check.js';

const meta = {
  runId: 'r',
  seed: 1,
  profile: 'smoke',
  env: 'local',
  startedAt: '2026-01-01T00:00:00Z',
  repro: 'lhchaos run',
  longhorn: { version: 'v1.9.0', simulated: true },
  tools: {},
  scenarios: [{ name: 'partial-sync', description: '', iterations: 1, faultClass: 'benign' }],
  timeFactor: 1,
  stallWindowMs: 30_000,
} as RunMeta;

/** A BBI still InProgress (but moving) when the observation ends; optionally a progress regression. */
function story(options: { interrupted: boolean; regress?: boolean }): HistoryEvent[] {
  const s = new HistoryStory('partial-sync');
  s.phase('faults');
  s.systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
  s.after(1_000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 40);
  s.after(5_000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', options.regress ? 20 : 60);
  if (options.interrupted) {
    s.after(1_000).push({
      type: 'log',
      level: 'error',
      source: 'runner',
      message: 'interrupted: SIGINT',
      scenario: 'partial-sync',
    });
  }
  s.after(1_000).phase('teardown');
  return s.events;
}

describe('judgeRun', () => {
  it('fails an unfinished BBI when the scenario ran to its end', async () => {
    const events = story({ interrupted: false });
    const verdict = await judgeRun(() => events, meta);
    assert.equal(verdict.checks.find((c) => c.name === 'bbi-completes')?.valid, false);
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
});
