// End to end on the model: two runs of an exploration on one local environment (Longhorn v1.8.1 simulated,
// every bug switch on). What is asserted does not depend on what the runs happened to reach (machine load
// changes that): the second schedule is the one the generator makes from the first run's recorded coverage
// (it aims only at cells the first run did not cover), every figure in explore.json is recomputed from the
// run records, the outcome follows the verdicts, and what the runs made is gone from the API server.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import { readCoverage, type CoverageFile } from '../../record/index.js';
import { readScheduleRecord } from '../runner/index.js';
import { LonghornClient } from '../workloads/index.js';
import { computeRunCoverage, coverageFigure, mergeCoverage } from './coverage/compute.js';
import { runExplore } from './explore.js';
import { emptyGeneratorState, generateSchedule } from './generate.js';
import type { ExploreSummary } from './summary.js';

const SEED = 16;
const BUGS = ['+regress-progress', '+ready-with-incomplete-bbi'];

const acted = (coverage: CoverageFile) =>
  new Set(coverage.cells.filter((c) => c.acted > 0).map((c) => `${c.fault}|${c.keyClass}|${c.state}`));

describe('lhchaos explore on the model (two runs)', function () {
  this.timeout(30 * 60_000);
  const env = useLocalEnvironment();
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-explore-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('aims the second run at what the first did not cover, and explore.json agrees with the records', async () => {
    const { summary, exitCode } = await runExplore({
      // The run count ends it, never the clock: the budget only has to be out of reach.
      budgetMs: 3 * 3_600_000,
      maxRuns: 2,
      seed: SEED,
      longhorn: 'v1.8.1',
      simBugs: BUGS,
      dir,
      gate: false,
      envDir: env().dir,
      reproFor: (schedulePath, seed) => `lhchaos run --seed ${seed} --schedule ${schedulePath}`,
    });
    assert.equal(summary.runs.length, 2);
    assert.equal(summary.interrupted, false);

    // Each run's record holds the schedule it played and the coverage computed from its own files.
    const coverages: CoverageFile[] = [];
    for (const run of summary.runs) {
      const recorded = await readCoverage(run.runDir);
      assert.ok(recorded, `${run.runDir} has coverage.json`);
      assert.deepEqual(recorded, await computeRunCoverage(run.runDir));
      coverages.push(recorded);
      const schedule = await readScheduleRecord(run.runDir);
      assert.deepEqual(schedule, JSON.parse(await readFile(run.schedulePath, 'utf8')));
    }
    const [first, second] = coverages as [CoverageFile, CoverageFile];

    // Run 0 plays the seed's first schedule; run 1 the schedule made from run 0's recorded coverage.
    const timeFactor = summary.timeFactor;
    const zero = generateSchedule(SEED, 0, emptyGeneratorState(), { timeFactor });
    assert.deepEqual(await readScheduleRecord(summary.runs[0]!.runDir), zero.schedule);
    const covered = acted(first);
    const aimed = new Map(zero.targets.map((t) => [`${t.fault}|${t.keyClass}|${t.state}`, 1]));
    const one = generateSchedule(
      SEED,
      1,
      {
        covered,
        reachable: new Set(first.cells.map((c) => `${c.fault}|${c.keyClass}|${c.state}`)),
        aimed,
      },
      { timeFactor },
    );
    assert.deepEqual(await readScheduleRecord(summary.runs[1]!.runDir), one.schedule);
    for (const target of summary.runs[1]!.targets)
      assert.ok(!covered.has(target), `run 1 aims at ${target}, which run 0 covered`);
    assert.deepEqual(
      summary.runs[1]!.newCells.filter((id) => covered.has(id)),
      [],
      'a new cell of run 1 was already covered by run 0',
    );

    // The exploration's figures are the records' figures.
    const merged = mergeCoverage(coverages);
    assert.deepEqual(
      JSON.parse(await readFile(join(dir, 'coverage.json'), 'utf8')),
      JSON.parse(JSON.stringify(merged)),
    );
    const union = new Set([...covered, ...acted(second)]);
    assert.equal(summary.coverage.covered, union.size);
    assert.equal(coverageFigure(merged).covered, union.size);
    assert.deepEqual(
      summary.coverageOverTime.map((p) => p.covered),
      [covered.size, union.size],
    );
    const onDisk = JSON.parse(await readFile(join(dir, 'explore.json'), 'utf8')) as ExploreSummary;
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(summary)));

    // The outcome follows the verdicts: any false verdict fails; otherwise a pass needs a true verdict.
    const verdicts = summary.runs.map((r) => r.verdict);
    const expected = verdicts.includes(false) ? 'fail' : verdicts.includes(true) ? 'pass' : 'unknown';
    assert.equal(summary.outcome, expected, summary.reason);
    assert.equal(exitCode, { pass: 0, fail: 1, unknown: 3 }[expected]);
    assert.equal(summary.failures.length > 0, verdicts.includes(false));

    // What the runs made is gone from the API server, Longhorn's own snapshots of their volumes included (a
    // later run with the same seed would trip over their names). SystemBackups, BackupBackingImages and
    // Backups are left out: the target sync, still running while the run's CRs are removed, may pull them
    // back from the store (which is the environment's and stays), depending on timing.
    const client = new LonghornClient(env.kubeConfig(), 'longhorn-system');
    for (const kind of ['Snapshot', 'Volume', 'BackingImage'] as const)
      assert.deepEqual(
        (await client.list(kind)).map((o) => o.metadata.name),
        [],
        `${kind} left after the exploration`,
      );
  });
});
