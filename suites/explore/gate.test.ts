// Failures as signatures, the known-bug catalogue, grouping by check and subject kind, and the outcome of
// an exploration: a found failure fails; as the gate only a known bug fails and a new finding is unknown;
// cut short or never judged is never a pass.
import assert from 'node:assert/strict';
import type { Verdict } from '../../record/index.js';
import { HistoryStory } from '../oracles/index.js';
import { classifyFailures, failureSignatures, subjectStates } from './failures.js';
import { judgeExploration } from './gate.js';
import { groupFailures, type ExploreRunEntry, type FailureGroup } from './summary.js';

const check = (
  name: string,
  valid: Verdict['valid'],
  subject?: string,
  severity: 'error' | 'warn' = 'error',
  evidence: number[] = [],
) => ({
  name,
  valid,
  severity,
  message: '',
  evidence,
  ...(subject ? { subject } : {}),
});

function run(
  index: number,
  failures: ExploreRunEntry['failures'],
  verdict: ExploreRunEntry['verdict'] = failures.length ? false : true,
): ExploreRunEntry {
  return {
    index,
    name: `explore-${index}`,
    runId: `r${index}`,
    runDir: `/runs/r${index}`,
    seed: index,
    schedulePath: `/s/${index}.json`,
    targets: [],
    verdict,
    exitCode: verdict === true ? 0 : verdict === false ? 1 : 3,
    elapsedMs: 60_000 * (index + 1),
    durationMs: 60_000,
    newCells: [],
    failures,
    repro: `lhchaos run ... ${index}`,
  };
}

describe('failures and the explore gate', () => {
  it('turns false error checks into signatures with the subject state, and names known bugs', () => {
    const story = new HistoryStory();
    story.at(1000).bbi('bbi-1', 'bi-1', 'InProgress', 0);
    const stuckAt = story.lastId;
    story.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups');
    story.at(2000).bbi('bbi-2', 'bi-2', 'Completed', 100);
    story.at(3000).remove('BackupBackingImage', 'bbi-2');
    // After the heal the stuck BBI completes: the failure is still where it got stuck.
    story.at(9000).bbi('bbi-1', 'bi-1', 'Completed', 100);
    const verdict: Verdict = {
      valid: false,
      checks: [
        check('no-stuck-state', false, 'BackupBackingImage/bbi-1', 'error', [stuckAt, story.lastId]),
        check('no-stuck-state', false, 'SystemBackup/sb-1'),
        // Without evidence: the subject's last state.
        check('bbi-completes', false, 'BackupBackingImage/bbi-1'),
        check('stored-bbi-kept', false, 'BackupBackingImage/bbi-2'),
        check('race-witness', false, 'BackupBackingImage/bbi-1', 'warn'),
        check('faults-fired', 'unknown'),
        check('progress-monotonic', true),
      ],
    };
    const signatures = failureSignatures(verdict, subjectStates(story.events));
    assert.deepEqual(signatures, [
      { check: 'no-stuck-state', subjectKind: 'BackupBackingImage', state: 'InProgress' },
      { check: 'no-stuck-state', subjectKind: 'SystemBackup', state: 'CreatingBackingImageBackups' },
      { check: 'bbi-completes', subjectKind: 'BackupBackingImage', state: 'Completed' },
      { check: 'stored-bbi-kept', subjectKind: 'BackupBackingImage', state: 'Completed' },
    ]);
    assert.deepEqual(
      classifyFailures(signatures).map((f) => f.knownBug),
      ['longhorn#10740', 'longhorn#10740', undefined, 'list-error-as-empty'],
    );
    // The SystemBackup stuck alone (no BBI stuck InProgress in the run) is not #10740: a new finding.
    assert.equal(classifyFailures([signatures[1]!])[0]?.knownBug, undefined);
    // A BBI stuck at '' (new) is not the #10740 signature either.
    assert.equal(
      classifyFailures([{ check: 'no-stuck-state', subjectKind: 'BackupBackingImage', state: 'new' }])[0]
        ?.knownBug,
      undefined,
    );
  });

  it('groups failures by check and subject kind, keeping the first run and every state', () => {
    const groups: FailureGroup[] = [];
    const stuck = (state: string) => ({
      signature: { check: 'no-stuck-state', subjectKind: 'BackupBackingImage', state },
    });
    groupFailures(groups, run(0, [stuck('new')]));
    groupFailures(
      groups,
      run(1, [
        stuck('InProgress'),
        { signature: { check: 'progress-monotonic', subjectKind: 'BackupBackingImage', state: 'Completed' } },
      ]),
    );
    assert.equal(groups.length, 2);
    assert.deepEqual(groups[0]?.states, ['new', 'InProgress']);
    assert.deepEqual(groups[0]?.runs, [0, 1]);
    assert.equal(groups[0]?.firstRun, 0);
    assert.equal(groups[1]?.firstElapsedMs, 120_000);
  });

  it('judges an exploration: failures fail; nothing found passes only when judged and not cut short', () => {
    const base = { coverage: { covered: 3, reachable: 9, cells: 100 }, interrupted: false };
    const newFinding: FailureGroup[] = [];
    groupFailures(
      newFinding,
      run(0, [
        { signature: { check: 'progress-monotonic', subjectKind: 'BackupBackingImage', state: 'Completed' } },
      ]),
    );
    const known: FailureGroup[] = [];
    groupFailures(
      known,
      run(0, [
        {
          signature: { check: 'stored-bbi-kept', subjectKind: 'BackupBackingImage', state: 'Completed' },
          knownBug: 'list-error-as-empty',
        },
      ]),
    );
    const clean = [run(0, []), run(1, [], 'unknown')];

    assert.equal(
      judgeExploration({ ...base, runs: [run(0, [])], failures: newFinding }, false).outcome,
      'fail',
    );
    assert.equal(
      judgeExploration({ ...base, runs: [run(0, [])], failures: newFinding }, true).outcome,
      'unknown',
    );
    assert.match(
      judgeExploration({ ...base, runs: [run(0, [])], failures: newFinding }, true).reason,
      /new finding/,
    );
    assert.equal(judgeExploration({ ...base, runs: [run(0, [])], failures: known }, true).outcome, 'fail');
    assert.equal(judgeExploration({ ...base, runs: clean, failures: [] }, true).outcome, 'pass');
    assert.equal(
      judgeExploration({ ...base, runs: clean, failures: [], interrupted: true }, false).outcome,
      'unknown',
    );
    assert.equal(judgeExploration({ ...base, runs: [], failures: [] }, false).outcome, 'unknown');
    assert.equal(
      judgeExploration({ ...base, runs: [run(0, [], 'unknown')], failures: [] }, false).outcome,
      'unknown',
    );
    // A failure found before a Ctrl-C is still a failure.
    assert.equal(
      judgeExploration({ ...base, runs: [run(0, [])], failures: newFinding, interrupted: true }, false)
        .outcome,
      'fail',
    );
  });
});
