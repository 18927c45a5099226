// Schedule files: every bad field named; a schedule becomes the scenario it describes (phase rules with
// their window, triggers per subject, a base scenario's parts kept or left out, rules narrowed to requests).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../common/index.js';
import { chaosEnv } from '../harness/index.js';
import { reproCommand, resolveRunOptions, withSchedule } from './options.js';
import { loadScheduleFile, parseSchedule, scheduleScenario, type ScheduleFile } from './schedule-file.js';

const ctx = { T: 50, timeFactor: 0.05, syncResolutionMs: 1000, bimT: 50 };
const cfgKey = '**/backing-images/backing-images/*/backing-image.cfg';

function schedule(extra: Partial<ScheduleFile> = {}): ScheduleFile {
  return {
    version: 1,
    name: 'explore-001',
    timeFactor: 0.05,
    rules: [
      { arm: 'faults', lagMs: 100, forMs: 1000, rule: { type: 'latency', name: 'slow', delayMs: 20 } },
      {
        arm: { kind: 'BackupBackingImage', on: 'state', state: 'InProgress' },
        forMs: 2000,
        maxFirings: 2,
        rule: { type: 'visibility-lag', name: 'lag', durationMs: 5000, match: { key: cfgKey } },
      },
    ],
    ...extra,
  };
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail('expected a UsageError');
}

describe('schedule files', () => {
  it('names the bad field of a bad schedule', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...schedule(), version: 2 }, /f\.json: version: /],
      [{ ...schedule(), extra: 1 }, /f\.json: extra: unknown field/],
      [{ ...schedule(), name: 'Has Spaces' }, /f\.json: name: lower-case letters/],
      [{ ...schedule(), timeFactor: 0 }, /f\.json: timeFactor: /],
      [
        { ...schedule(), rules: [{ arm: 'faults', rule: { type: 'latency', name: 'x', delayMs: -1 } }] },
        /f\.json: rules\[0\]\.rule\.delayMs: /,
      ],
      [{ ...schedule(), rules: [{ arm: 'later', rule: {} }] }, /f\.json: rules\[0\]\.arm: /],
      [{ ...schedule(), base: 'no-such' }, /f\.json: base: unknown scenario 'no-such'/],
      [{ ...schedule(), keep: { rules: [] } }, /f\.json: keep: only with a base scenario/],
      [
        { ...schedule(), base: 'partial-sync', keep: { triggers: ['nope'] } },
        /keep\.triggers: 'nope' is not a trigger/,
      ],
      [{ ...schedule(), narrow: { 'rule:missing': [] } }, /f\.json: narrow\.rule:missing: no such rule/],
      [
        { ...schedule(), narrow: { 'rule:slow': [{ op: 'PutObject', key: '(' }] } },
        /f\.json: narrow\.rule:slow\[0\]\.key: not a valid regular expression/,
      ],
    ];
    for (const [input, message] of cases)
      assert.match(
        usageMessage(() => parseSchedule(input, 'f.json')),
        message,
      );
  });

  it('reads YAML, and names an unreadable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lhchaos-schedule-'));
    try {
      const path = join(dir, 's.yaml');
      await writeFile(path, 'version: 1\nname: s\ntimeFactor: 0.05\nrules: []\nsyncHammer: false\n');
      const loaded = await loadScheduleFile(path);
      assert.equal(loaded.name, 's');
      await assert.rejects(
        loadScheduleFile(join(dir, 'missing.json')),
        /--schedule: cannot read .*missing\.json/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('arms phase rules with their lag and duration, and triggers per subject', () => {
    const scenario = scheduleScenario(parseSchedule(schedule()));
    assert.deepEqual(scenario.rules(ctx), [
      { type: 'latency', name: 'slow', delayMs: 20, startAfterMs: 100, stopAfterMs: 1100 },
    ]);
    const [trigger] = scenario.triggers;
    assert.equal(trigger?.name, 'lag');
    assert.deepEqual(trigger?.when, { kind: 'BackupBackingImage', on: 'state', state: 'InProgress' });
    assert.equal(trigger?.maxFirings, 2);
    assert.equal(trigger?.forMs?.(ctx), 2000);
    assert.equal(trigger?.rule?.(ctx, 'bi-a')?.name, 'lag-bi-a');
    assert.equal(scenario.syncHammer, undefined);
    assert.equal(scenario.faultClass, 'benign');
  });

  it("keeps only the named parts of a base scenario, with the base's workload", () => {
    const scenario = scheduleScenario(
      parseSchedule({
        version: 1,
        name: 'partial-sync',
        base: 'partial-sync',
        timeFactor: 0.05,
        keep: { rules: [], triggers: ['cfg-lag-until-recreated'], syncHammer: false },
        rules: [],
      }),
    );
    assert.deepEqual(scenario.rules(ctx), []);
    assert.deepEqual(
      scenario.triggers.map((t) => t.name),
      ['cfg-lag-until-recreated'],
    );
    assert.equal(scenario.syncHammer, undefined);
    assert.equal(scenario.backingImages, 4);
    assert.equal(scenario.pollInterval, '10s');
  });

  it('narrows a rule to single requests, and a trigger to the subject of each', () => {
    const narrowed = scheduleScenario(
      parseSchedule(
        schedule({
          narrow: {
            'rule:slow': [{ op: 'PutObject', key: '^a$', ordinal: 2 }],
            'trigger:lag': [
              { op: 'PutObject', key: '^cfg-of-x$', ordinal: 1, subject: '^bi-x$' },
              { op: 'PutObject', key: '^cfg-of-y$' },
            ],
          },
        }),
      ),
    );
    assert.deepEqual(narrowed.rules(ctx), [
      {
        type: 'latency',
        name: 'slow.0',
        delayMs: 20,
        startAfterMs: 100,
        stopAfterMs: 1100,
        match: { operations: ['PutObject'], keyRegex: '^a$' },
        afterN: 1,
        maxCount: 1,
      },
    ]);
    const [onX, onY] = narrowed.triggers;
    assert.equal(
      onX?.rule?.(ctx, 'bi-other'),
      undefined,
      'a request of bi-x is not armed for another subject',
    );
    assert.deepEqual(onX?.rule?.(ctx, 'bi-x')?.match, { operations: ['PutObject'], keyRegex: '^cfg-of-x$' });
    assert.equal(onX?.rule?.(ctx, 'bi-x')?.afterN, 0);
    assert.equal(onY?.rule?.(ctx, 'bi-other')?.name, 'lag-bi-other.1');
    assert.equal(onY?.rule?.(ctx, 'bi-other')?.maxCount, undefined);
    assert.equal(onX?.forMs?.(ctx), 2000, 'a narrowed trigger keeps its window');
  });

  it('runs at the time factor it was made for, and never together with --scenario', () => {
    // The model's controllers: Longhorn's own manager runs only at time factor 1 (refused below).
    const resolved = resolveRunOptions(
      { env: 'local', seed: '5', bim: 'model', manager: 'model' },
      chaosEnv(),
    );
    const file = parseSchedule(schedule());
    const options = withSchedule(resolved, file, {});
    assert.equal(options.timeFactor, 0.05);
    assert.deepEqual(
      options.scenarios.map((s) => s.name),
      ['explore-001'],
    );
    assert.match(reproCommand({ ...options, schedulePath: '/x/s.json' }), /--schedule \/x\/s\.json/);
    assert.doesNotMatch(reproCommand({ ...options, schedulePath: '/x/s.json' }), /--scenario/);
    assert.match(
      usageMessage(() => withSchedule(resolved, file, { scenario: ['latency'] })),
      /--schedule: give either/,
    );
    assert.match(
      usageMessage(() => withSchedule({ ...resolved, timeFactor: 0.1 }, file, { timeFactor: '0.1' })),
      /--time-factor: .*time factor 0\.05, got 0\.1/,
    );
    const real = resolveRunOptions({ env: 'local', seed: '5', manager: 'real' }, chaosEnv());
    assert.match(
      usageMessage(() => withSchedule(real, file, {})),
      /--schedule: made for time factor 0\.05; the real longhorn-manager runs at its own speed/,
    );
  });
});
