// junit.xml structure, read back with junit2json (a JUnit-specific parser, not our own builder's inverse;
// it turns numeric-looking values into numbers, hence the String() on properties).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type TestCase, type TestSuite } from 'junit2json';
import { type CheckResult, type Verdict, readMeta, readVerdict } from '../../record/index.js';
import { renderReports } from '../index.js';
import { SCENARIO, writeRaceRecord } from '../testdata/index.js';

async function parsedJunit(runDir: string, verdict?: Verdict) {
  const { junitPath } = await renderReports(runDir, verdict ? { verdict } : {});
  const xml = await readFile(junitPath, 'utf8');
  const parsed = await parse(xml);
  assert.ok(parsed && 'testsuite' in parsed, 'root is <testsuites>');
  return { xml, suites: parsed.testsuite ?? [] };
}

const caseNamed = (suite: TestSuite | undefined, name: string): TestCase => {
  const found = suite?.testcase?.find((c) => c.name === name);
  assert.ok(found, `testcase "${name}" in ${suite?.testcase?.map((c) => c.name).join(', ')}`);
  return found;
};

describe('junit.xml', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-junit-'));
    await writeRaceRecord(join(dir, 'fail'), { version: 'v1.8.1', iterations: 3 });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has a suite per scenario, a case per invariant and iteration, and the run properties', async () => {
    const runDir = join(dir, 'fail');
    const { suites } = await parsedJunit(runDir);
    const verdict = await readVerdict(runDir);
    const meta = await readMeta(runDir);
    assert.deepEqual(
      suites.map((s) => s.name),
      [SCENARIO],
    );
    const suite = suites[0]!;
    const expectedCases = new Set(verdict.checks.map((c) => `${c.name}|${c.iteration ?? ''}`));
    assert.equal(suite.testcase?.length, expectedCases.size);
    assert.equal(suite.tests, expectedCases.size);
    assert.equal(suite.failures, 3);
    assert.equal(suite.errors, 0);
    const properties = Object.fromEntries((suite.properties ?? []).map((p) => [p.name, String(p.value)]));
    assert.equal(properties.seed, '10740');
    assert.equal(properties['longhorn.version'], 'v1.8.1');
    assert.equal(properties['longhorn.bugs'], 'bimSkipsProgressWhenCfgExists');
    assert.equal(properties['tool.etcd'], 'v3.6.16');
    assert.equal(properties.repro, meta.repro);
    assert.ok(typeof suite.time === 'number' && suite.time > 10, `suite time in seconds, got ${suite.time}`);

    const stuck = caseNamed(suite, 'progress-reaches-100 [iteration 2]');
    assert.equal(stuck.classname, SCENARIO);
    const failure = stuck.failure?.[0];
    assert.equal(failure?.type, 'InvariantViolated');
    assert.match(failure?.message ?? '', /stuck at InProgress 0%/);
    assert.match(
      failure?.inner ?? '',
      /evidence:\n {2}#\d+ \+\d+\.\d{3}s ADDED BackupBackingImage\/bi-2-\w+ state=""/,
    );
    assert.match(failure?.inner ?? '', /MODIFIED BackupBackingImage\/bi-2-\w+ state=InProgress progress=0/);

    const witness = caseNamed(suite, 'race-witness [iteration 2]');
    assert.equal(witness.failure, undefined, 'a warning never fails the case');
    assert.match(
      witness['system-out']?.[0] ?? '',
      /warning \(race-witness\).*\nevidence:\n.*DELETED BackupBackingImage.*delete-custom-resource-only/,
    );
    const passed = caseNamed(suite, 'no-stuck-state [iteration 1]');
    assert.equal(passed.failure, undefined);
    assert.equal(passed.error, undefined);
  });

  it('maps unknown to <error>, merges subjects of one invariant×iteration, and strips XML-invalid characters', async () => {
    const runDir = join(dir, 'fail');
    const check = (over: Partial<CheckResult>): CheckResult => ({
      name: 'every-bbi-completes',
      valid: true,
      severity: 'error',
      message: 'holds',
      evidence: [],
      scenario: SCENARIO,
      iteration: 1,
      ...over,
    });
    const verdict: Verdict = {
      valid: 'unknown',
      checks: [
        check({ subject: 'BackupBackingImage/a' }),
        check({
          subject: 'BackupBackingImage/b',
          valid: false,
          message: 'b never completed\u0007',
          evidence: [5, 99999],
        }),
        check({
          name: 'faults-fired',
          valid: 'unknown',
          message: 'rule cfg-lag never applied',
          iteration: 2,
        }),
        check({
          name: 'observer',
          scenario: 'second-scenario',
          iteration: undefined,
          valid: 'unknown',
          message: 'gap',
        }),
      ],
    };
    const { xml, suites } = await parsedJunit(runDir, verdict);
    assert.ok(!xml.includes('\u0007'), 'BEL stripped');
    assert.deepEqual(
      suites.map((s) => s.name),
      [SCENARIO, 'second-scenario'],
    );
    const [first, second] = suites;
    assert.equal(first!.testcase?.length, 2, 'a and b are one case: one invariant, one iteration');
    const merged = caseNamed(first, 'every-bbi-completes [iteration 1]');
    assert.match(merged.failure?.[0]?.inner ?? '', /BackupBackingImage\/b: b never completed\n/);
    assert.match(merged.failure?.[0]?.inner ?? '', /#99999 \(not in history\.jsonl\)/);
    const undecided = caseNamed(first, 'faults-fired [iteration 2]');
    assert.equal(undecided.failure, undefined);
    assert.equal(undecided.error?.[0]?.type, 'Undecided');
    assert.equal(first!.errors, 1);
    assert.equal(first!.failures, 1);
    assert.equal(caseNamed(second, 'observer').error?.length, 1);
  });
});
