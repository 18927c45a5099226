// The end-of-run terminal summary: failures first, passes grouped, verdict, paths and the repro command.
import assert from 'node:assert/strict';
import type { CheckResult, RunMeta, Verdict } from '../../record/index.js';
import { terminalSummary } from './summary.js';

const meta: RunMeta = {
  runId: 'r-7',
  seed: 7,
  profile: 'nightly',
  env: 'kube',
  startedAt: '2026-11-30T00:00:00Z',
  repro: 'lhchaos run --env kube --profile nightly --seed 7',
  longhorn: { version: 'v1.9.0', simulated: false },
  tools: {},
  scenarios: [],
  timeFactor: 1,
  stallWindowMs: 600000,
};
const paths = { runDir: 'out/r-7', junitPath: 'out/r-7/junit.xml', htmlPath: 'out/r-7/report.html' };
const check = (over: Partial<CheckResult>): CheckResult => ({
  name: 'no-stuck-state',
  valid: true,
  severity: 'error',
  message: 'holds',
  evidence: [],
  ...over,
});

describe('terminalSummary', () => {
  it('lists failures, unknowns and warnings before grouped passes, then verdict, paths and repro', () => {
    const verdict: Verdict = {
      valid: false,
      checks: [
        check({ iteration: 1 }),
        check({
          name: 'race-witness',
          severity: 'warn',
          valid: false,
          message: 'BBI deleted while InProgress',
          evidence: [3, 4],
        }),
        check({ iteration: 2 }),
        check({ name: 'faults-fired', valid: 'unknown', message: 'rule never applied' }),
        check({
          name: 'progress-reaches-100',
          valid: false,
          message: 'stuck at 0%',
          scenario: 's',
          iteration: 2,
          subject: 'BackupBackingImage/bi-2',
          evidence: [1, 2, 3, 4, 5, 6],
        }),
      ],
    };
    const text = terminalSummary(meta, verdict, paths);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], 'lhchaos r-7 (nightly, Longhorn v1.9.0, seed 7)');
    assert.equal(lines[1], 'failed (1):');
    assert.equal(
      lines[2],
      '  ✗ progress-reaches-100 [s #2 BackupBackingImage/bi-2]: stuck at 0% (evidence #1 #2 #3 #4 #5 …)',
    );
    assert.equal(lines[3], 'unknown (1):');
    assert.match(lines[4]!, /^ {2}\? faults-fired: rule never applied$/);
    assert.equal(lines[5], 'warning (1):');
    assert.match(lines[6]!, /^ {2}! race-witness: BBI deleted while InProgress \(evidence #3 #4\)$/);
    assert.equal(lines[7], 'passed (2): no-stuck-state ×2');
    assert.equal(
      lines[8],
      'verdict: FAIL: 1 invariant violation(s) against Longhorn v1.9.0, listed under failed',
    );
    assert.deepEqual(lines.slice(9), [
      'report:  out/r-7/report.html',
      'junit:   out/r-7/junit.xml',
      'record:  out/r-7',
      'repro:   lhchaos run --env kube --profile nightly --seed 7',
    ]);
  });

  it("says which parts were Longhorn's own code and lists the kept logs", () => {
    const local: RunMeta = {
      ...meta,
      env: 'local',
      longhorn: { version: 'v1.9.0', simulated: true },
      components: [
        { name: 'longhorn-manager', kind: 'model', version: 'v1.9.0' },
        { name: 'backing-image-manager', kind: 'real', version: 'v1.9.2', note: 'nearest served build' },
        { name: 'backupstore', kind: 'real', version: 'v0.0.0-20250804022317-794abf817297' },
      ],
      logs: ['logs/bim-node-1-disk-1.log'],
    };
    const lines = terminalSummary(local, { valid: true, checks: [check({})] }, paths).split('\n');
    assert.equal(
      lines[1],
      "Longhorn's own code: backing-image-manager v1.9.2, backupstore 794abf817297; " +
        'modelled: longhorn-manager (v1.9.0 behaviour) [backing-image-manager v1.9.2: nearest served build]',
    );
    assert.ok(lines.includes('log:     out/r-7/logs/bim-node-1-disk-1.log'));
  });

  it('caps long groups and says when no check ran', () => {
    const many = Array.from({ length: 14 }, (_, i) => check({ valid: false, iteration: i }));
    const text = terminalSummary(meta, { valid: false, checks: many }, paths);
    assert.match(text, /failed \(14\):/);
    assert.equal(text.match(/ {2}✗ /g)?.length, 10);
    assert.match(text, / {2}… 4 more in the report\n/);
    assert.match(
      terminalSummary(meta, { valid: 'unknown', checks: [] }, paths),
      /no checks ran\nverdict: UNKNOWN/,
    );
  });

  it('says each finding once: no check message appears twice, and a passed co-load gets its own line', () => {
    const verdict: Verdict = {
      valid: false,
      checks: [
        check({
          valid: false,
          message: 'SystemBackup/sb-1 stuck in CreatingBackingImageBackups',
          subject: 'SystemBackup/sb-1',
        }),
        check({
          name: 'race-witness',
          severity: 'warn',
          valid: false,
          message: 'BBI bi-1-x deleted while InProgress',
        }),
        check({ name: 'runner-completed', valid: 'unknown', message: 'the record was cut short' }),
        check({
          name: 'co-load-thresholds',
          severity: 'warn',
          message: 'k6 co-load stayed within its thresholds (9 operations)',
        }),
      ],
    };
    const text = terminalSummary(meta, verdict, paths);
    for (const message of verdict.checks.map((c) => c.message)) {
      assert.equal(text.split(message).length - 1, 1, `said once: ${message}\n${text}`);
    }
    assert.match(text, /\nco-load: k6 co-load stayed within its thresholds \(9 operations\)\n/);
    assert.match(
      text,
      /verdict: FAIL: 1 invariant violation\(s\) against Longhorn v1\.9\.0, listed under failed/,
    );
  });
});
