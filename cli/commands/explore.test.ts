// lhchaos explore, shrink and run --schedule: bad input exits 2 before anything starts, and the message
// names the flag or the file's field.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../../test-support/cli.js';
import type { Component } from '../../record/index.js';

/** A failing run record as far as shrink reads it before it starts anything: meta, verdict, decisions. */
async function failingRecord(dir: string, components: Component[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'meta.json'),
    JSON.stringify({
      runId: 'r',
      repro: 'lhchaos run',
      profile: 'explore',
      startedAt: new Date(0).toISOString(),
      seed: 1,
      env: 'local',
      longhorn: { version: 'v1.8.1', simulated: true, bugs: [] },
      tools: {},
      components,
      scenarios: [{ name: 's', description: 's', iterations: 1 }],
      timeFactor: 1,
      stallWindowMs: 120_000,
    }),
  );
  await writeFile(
    join(dir, 'verdict.json'),
    JSON.stringify({
      valid: false,
      checks: [{ name: 'no-stuck-state', valid: false, severity: 'error', evidence: [], message: 'm' }],
    }),
  );
  await writeFile(join(dir, 'faults.jsonl'), '');
}

const REAL: Component[] = [
  { name: 'longhorn-manager', kind: 'real', version: 'v1.8.1' },
  { name: 'backing-image-manager', kind: 'real', version: 'v1.8.1' },
  { name: 'backupstore', kind: 'real', version: 'v0' },
];
const MODEL: Component[] = REAL.map((c) => ({ ...c, kind: 'model' }));

describe('lhchaos explore, shrink, run --schedule: usage errors exit 2 and name the bad input', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-explore-cli-'));
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ version: 1, name: 'bad', timeFactor: 0.05, rules: [{ arm: 'later', rule: {} }] }),
    );
    await failingRecord(join(dir, 'real-run'), REAL);
    await failingRecord(join(dir, 'model-run'), MODEL);
    await writeFile(
      join(dir, 'good.json'),
      JSON.stringify({
        version: 1,
        name: 'good',
        timeFactor: 0.05,
        rules: [{ arm: 'faults', rule: { type: 'latency', name: 'slow', delayMs: 10 } }],
      }),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, () => string[], RegExp][] = [
    ['explore --budget soon', () => ['explore', '--budget', 'soon'], /--budget: expected a duration/],
    ['explore --max-runs 0', () => ['explore', '--max-runs', '0'], /--max-runs: expected a positive integer/],
    ['explore --profile nightly', () => ['explore', '--profile', 'nightly'], /--profile: explore takes only/],
    ['explore --seed x', () => ['explore', '--seed', 'x'], /--seed: expected a whole number from 0 to/],
    ['shrink a directory without a record', () => ['shrink', dir], /RUN_DIR: .* holds no faults\.jsonl/],
    ['coverage of a directory without a record', () => ['coverage', dir], /DIR: .* holds no run record/],
    [
      'run --schedule with a bad field',
      () => ['run', '--schedule', join(dir, 'bad.json')],
      /bad\.json: rules\[0\]\.arm: /,
    ],
    [
      'run --schedule with --scenario',
      () => ['run', '--schedule', join(dir, 'good.json'), '--scenario', 'partial-sync'],
      /--schedule: give either --schedule or --scenario/,
    ],
    ['explore --bim fake', () => ['explore', '--bim', 'fake'], /--bim: expected real or model, got 'fake'/],
    [
      'explore --manager fake',
      () => ['explore', '--manager', 'fake'],
      /--manager: expected real or model, got 'fake'/,
    ],
    [
      'explore --bim real on a version without a build of it',
      () => ['explore', '--longhorn', 'v1.10.2', '--bim', 'real'],
      /--bim real: no build of Longhorn's backing-image-manager/,
    ],
    [
      'explore --manager real --sim-bugs',
      () => ['explore', '--manager', 'real', '--sim-bugs', '+regress-progress'],
      /--sim-bugs: with --manager real/,
    ],
    [
      'explore --manager real --time-factor 0.05',
      () => ['explore', '--manager', 'real', '--time-factor', '0.05'],
      /--time-factor: the real longhorn-manager runs at its own speed/,
    ],
    [
      'explore --manager real --bim model',
      () => ['explore', '--manager', 'real', '--bim', 'model'],
      /--manager real: longhorn-manager's BackupBackingImage controller/,
    ],
    [
      'run --profile explore --bim fake',
      () => ['run', '--profile', 'explore', '--bim', 'fake'],
      /--bim: expected real or model, got 'fake'/,
    ],
    [
      'run --profile explore --manager fake',
      () => ['run', '--profile', 'explore', '--manager', 'fake'],
      /--manager: expected real or model, got 'fake'/,
    ],
    [
      'run --manager real with a schedule made for time factor 0.05',
      () => ['run', '--manager', 'real', '--bim', 'real', '--schedule', join(dir, 'good.json')],
      /--schedule: made for time factor 0\.05; the real longhorn-manager runs at its own speed/,
    ],
    [
      'shrink --bim fake',
      () => ['shrink', join(dir, 'real-run'), '--bim', 'fake'],
      /--bim: expected real or model/,
    ],
    [
      'shrink --manager fake',
      () => ['shrink', join(dir, 'real-run'), '--manager', 'fake'],
      /--manager: expected real or model/,
    ],
    [
      "shrink --manager model of a run of longhorn-manager's own code",
      () => ['shrink', join(dir, 'real-run'), '--manager', 'model'],
      /--manager: the run to shrink ran --manager real .*got 'model'/,
    ],
    [
      'shrink --bim real of a run of the model',
      () => ['shrink', join(dir, 'model-run'), '--bim', 'real'],
      /--bim: the run to shrink ran --bim model .*got 'real'/,
    ],
    [
      'shrink --verify-min above --verify',
      () => ['shrink', join(dir, 'model-run'), '--verify', '5', '--verify-min', '6'],
      /--verify-min: must not exceed --verify \(5\), got 6/,
    ],
    [
      'shrink --verify -1',
      () => ['shrink', join(dir, 'model-run'), '--verify', '-1'],
      /--verify: expected an integer >= 0, got '-1'/,
    ],
    [
      'run --profile explore --co-load fail',
      () => ['run', '--profile', 'explore', '--co-load', 'fail'],
      /--co-load: not with --profile explore/,
    ],
  ];
  for (const [title, args, message] of cases) {
    it(title, async () => {
      const { code, stderr } = await runCliCaptured(...args());
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    });
  }
});

// The flags reach the exploration: explore.json records them. A bad --env-dir ends the first run before
// anything starts (exit 3, as any run that could not start), and with the model manager nothing is built.
describe('lhchaos explore and run --profile explore record --bim and --manager in explore.json', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-explore-flags-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, string[], { bim: string; manager: string; timeFactor: number }][] = [
    [
      'explore --bim real --manager model',
      ['explore', '--bim', 'real', '--manager', 'model'],
      { bim: 'real', manager: 'model', timeFactor: 0.05 },
    ],
    [
      'explore --bim model',
      ['explore', '--bim', 'model'],
      { bim: 'model', manager: 'model', timeFactor: 0.05 },
    ],
    [
      'run --profile explore --bim real --manager model',
      ['run', '--profile', 'explore', '--bim', 'real', '--manager', 'model'],
      { bim: 'real', manager: 'model', timeFactor: 0.05 },
    ],
  ];
  for (const [title, args, expected] of cases) {
    it(title, async () => {
      const out = join(dir, title.replace(/\W+/g, '-'));
      const { code, stdout, stderr } = await runCliCaptured(
        ...args,
        '--seed',
        '7',
        '--env-dir',
        join(dir, 'no-such-env'),
        '--out',
        out,
      );
      assert.equal(code, 3, stderr);
      const summary = JSON.parse(await readFile(join(out, 'explore.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      assert.equal(summary.bim, expected.bim);
      assert.equal(summary.manager, expected.manager);
      assert.equal(summary.timeFactor, expected.timeFactor);
      assert.match(
        stdout,
        new RegExp(`repro: lhchaos explore .*--bim ${expected.bim} --manager ${expected.manager}`),
      );
      // The run was meant to start, with these components, and ended at the missing environment.
      assert.match(stdout, /run 0: --env-dir .*no such directory/);
    });
  }
});
