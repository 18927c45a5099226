// shrinkRun from a failing record to the files it hands on, with a fake run in place of the embedded
// environment: the record's parts and decisions become candidates, the minimal schedule is a schedule file
// `run --schedule` takes, and the report says what was kept, narrowed and replayed.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleSpec } from '../../../fault-injectors/index.js';
import type { Verdict } from '../../../record/index.js';
import { parseSchedule, type ChaosRunOptions, type ScheduleFile } from '../../runner/index.js';
import { shrinkRun } from './shrink.js';

const CFG = 'backupstore/backing-images/bi-abcdef-1-x/backing-image.cfg';
const BLOCK = 'backupstore/backing-images/bi-abcdef-1-x/blocks/aa/bb/aabb.blk';

const SCHEDULE: ScheduleFile = {
  version: 1,
  name: 'sched',
  timeFactor: 0.05,
  rules: [
    { arm: 'faults', rule: { type: 'error', name: 'fail-writes', code: 'SlowDown' } as RuleSpec },
    { arm: 'faults', rule: { type: 'latency', name: 'noise', delayMs: 10 } as RuleSpec },
  ],
};

const lines = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n') + '\n';

/** The failing run: both rules armed; fail-writes refused a cfg and a block write, noise slowed a listing. */
async function failingRun(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'meta.json'),
    JSON.stringify({
      runId: 'failing',
      repro: 'lhchaos run',
      profile: 'explore',
      startedAt: new Date(0).toISOString(),
      seed: 7,
      env: 'local',
      longhorn: { version: 'v1.8.1', simulated: true, bugs: [] },
      tools: {},
      components: [
        { name: 'longhorn-manager', kind: 'model', version: 'v1.8.1' },
        { name: 'backing-image-manager', kind: 'model', version: 'v1.8.1' },
      ],
      scenarios: [{ name: 'sched', description: 's', iterations: 1 }],
      timeFactor: 0.05,
      stallWindowMs: 120_000,
    }),
  );
  await writeFile(join(dir, 'schedule.json'), JSON.stringify(SCHEDULE));
  await writeFile(
    join(dir, 'history.jsonl'),
    lines(
      SCHEDULE.rules.map((r, i) => ({
        id: i + 1,
        t: 10 + i,
        ts: 1000 + i,
        scenario: 'sched',
        type: 'rule',
        action: 'add',
        rule: r.rule,
        reason: `rule:${r.rule.name}: phase faults`,
      })),
    ),
  );
  await writeFile(
    join(dir, 'faults.jsonl'),
    lines([
      { id: 1, ts: 2000, op: 'PutObject', key: BLOCK, action: 'error', rule: 'fail-writes' },
      { id: 2, ts: 2001, op: 'ListObjectsV2', prefix: 'backupstore/', action: 'delay', rule: 'noise' },
      { id: 3, ts: 2002, op: 'PutObject', key: CFG, action: 'error', rule: 'fail-writes' },
    ]),
  );
  await writeFile(join(dir, 'verdict.json'), JSON.stringify(verdict(true)));
}

function verdict(fails: boolean): Verdict {
  return {
    valid: fails ? false : true,
    checks: [
      {
        name: 'no-stuck-state',
        valid: fails ? false : true,
        severity: 'error',
        evidence: [],
        message: fails ? 'stuck' : 'ok',
      },
    ],
  };
}

/**
 * The system under test, faked: it fails when fail-writes may refuse the cfg write. `narrowedFails` says
 * whether a narrowed rule's run fails on its nth run (the narrowing's luck), by count of narrowed runs.
 */
function fakeRun(outDir: string, narrowedFails: (nth: number) => boolean = () => true) {
  let runs = 0;
  let narrowedRuns = 0;
  const armed: string[][] = [];
  const run = async (options: ChaosRunOptions) => {
    const rules = (options.scenarios[0]?.rules({
      T: 1000,
      timeFactor: 1,
      syncResolutionMs: 1000,
      bimT: 1000,
    }) ?? []) as RuleSpec[];
    armed.push(rules.map((r) => r.name));
    options.onPhase?.('scenarios');
    const refusing = rules.filter((r) => r.name.startsWith('fail-writes'));
    const narrowed = refusing.some((r) => r.match?.keyRegex !== undefined);
    const mayRefuseCfg = refusing.some((r) => !r.match?.keyRegex || new RegExp(r.match.keyRegex).test(CFG));
    const fails = mayRefuseCfg && (!narrowed || narrowedFails(narrowedRuns++));
    const runDir = join(outDir, `run-${++runs}`);
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'history.jsonl'), '');
    await writeFile(join(runDir, 'verdict.json'), JSON.stringify(verdict(fails)));
    return { runDir, verdict: verdict(fails) };
  };
  return { run, armed, runs: () => runs };
}

describe('shrinkRun: from a failing record to a minimal schedule file and its report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-shrink-'));
    await failingRun(join(dir, 'failing'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const shrink = (run: ReturnType<typeof fakeRun>['run'], verify = 10) =>
    shrinkRun({
      runDir: join(dir, 'failing'),
      outDir: join(dir, 'out'),
      k: 2,
      n: 3,
      budgetMs: 3_600_000,
      verify,
      verifyMin: Math.ceil(0.9 * verify),
      reproFor: (path) => `lhchaos run --schedule ${path}`,
      run,
    });

  it('drops the rule the failure does not need and narrows the other to the cfg write', async () => {
    const fake = fakeRun(join(dir, 'runs'));
    const report = await shrink(fake.run);
    assert.equal(report.reproduced, true);
    assert.deepEqual(report.target, { check: 'no-stuck-state', subjectKind: '-' });
    assert.deepEqual(report.parts, {
      before: ['rule:fail-writes', 'rule:noise'],
      after: ['rule:fail-writes'],
    });
    assert.deepEqual(report.decisions, { 'rule:fail-writes': { before: 2, after: 1 } });
    assert.equal(report.rules, 1);
    assert.equal(report.proxyRules, 1);
    assert.deepEqual(report.verify, { tries: 10, failures: 10, narrowed: true, min: 9 });
    assert.equal(report.tries.length, fake.runs());
    assert.equal(report.minimal, true);

    const schedulePath = join(dir, 'out', 'minimal-schedule.json');
    assert.equal(report.schedulePath, schedulePath);
    assert.equal(report.repro, `lhchaos run --schedule ${schedulePath}`);
    const minimal = parseSchedule(JSON.parse(await readFile(schedulePath, 'utf8')), schedulePath);
    assert.deepEqual(
      minimal.rules.map((r) => r.rule.name),
      ['fail-writes'],
    );
    assert.equal(minimal.narrow?.['rule:fail-writes']?.length, 1);
    assert.match(CFG, new RegExp(minimal.narrow?.['rule:fail-writes']?.[0]?.key ?? '^$'));
    assert.deepEqual(fake.armed.at(-1), ['fail-writes.0']);
    const onDisk = JSON.parse(await readFile(join(dir, 'out', 'shrink.json'), 'utf8')) as typeof report;
    assert.deepEqual(onDisk.verify, report.verify);
  });

  it('writes the rule whole when its narrowing fails too few of the replays', async () => {
    // Narrowed, the six runs while shrinking fail (3 narrowed to both requests, 3 to the cfg write); the
    // replays do not.
    const fake = fakeRun(join(dir, 'runs'), (nth) => nth < 6);
    const report = await shrink(fake.run);
    assert.deepEqual(report.decisions, { 'rule:fail-writes': { before: 2, after: 2, whole: true } });
    assert.deepEqual(report.verify, { tries: 10, failures: 10, narrowed: false, min: 9 });
    assert.equal(report.otherVerify?.narrowed, true);
    assert.ok((report.otherVerify?.failures ?? 9) < 9);
    const minimal = parseSchedule(
      JSON.parse(await readFile(join(dir, 'out', 'minimal-schedule.json'), 'utf8')),
      'minimal',
    );
    assert.equal(minimal.narrow, undefined);
    assert.deepEqual(
      minimal.rules.map((r) => r.rule.name),
      ['fail-writes'],
    );
    assert.deepEqual(fake.armed.at(-1), ['fail-writes']);
  });

  it('stops, dropping nothing, when a try never reaches its scenarios (its environment did not come up)', async () => {
    const fake = fakeRun(join(dir, 'runs'));
    const report = await shrink(async (options) => fake.run({ ...options, onPhase: () => {} }));
    assert.equal(report.reproduced, false);
    assert.match(report.stoppedBy ?? '', /^could not start \(its record: /);
    assert.equal(report.schedulePath, undefined);
    assert.deepEqual(report.parts.after, []);
    assert.equal(fake.runs(), 1);
  });

  it('stops at the check when the full schedule does not fail k of n times', async () => {
    const fake = fakeRun(join(dir, 'runs'));
    const report = await shrink(async (options) => {
      const result = await fake.run(options);
      await writeFile(join(result.runDir, 'verdict.json'), JSON.stringify(verdict(false)));
      return { ...result, verdict: verdict(false) };
    });
    assert.equal(report.reproduced, false);
    assert.match(report.stoppedBy ?? '', /failed in 0 of 2 tries, fewer than 2/);
    assert.equal(report.schedulePath, undefined);
    assert.equal(report.tries.length, 2);
  });
});
