// lhchaos explore, shrink, replay and run --schedule: bad input (a bad --env-dir too) exits 2 before anything
// is built, started or written, and the message names the flag or the file's field.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCliCaptured } from '../../test-support/cli.js';
import { TOOLS } from '../../fixtures/toolchain/index.js';
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
      scenarios: [{ name: 'partial-sync', description: 's', iterations: 1 }],
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
/** Longhorn's own backing-image-manager and backupstore beside the model's manager. */
const BIM_REAL: Component[] = REAL.map((c) => (c.name === 'longhorn-manager' ? { ...c, kind: 'model' } : c));

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

/** A child that stands for the environment's processes: alive, with a command line of its own. */
function standIn(): { child: ChildProcess; command: string[] } {
  const command = ['sleep', '600'];
  return { child: spawn(command[0]!, command.slice(1), { stdio: 'ignore' }), command };
}

/**
 * An env.json as `lhchaos env up` writes it, whose processes are `pid` (alive or not) and whose kubeconfig
 * is `kubeconfig`; with `bim`, Longhorn's own backing-image-manager of that version on one disk.
 */
async function fakeEnvironment(
  dir: string,
  process: { pid: number; command: string[] },
  options: { bim?: string; kubeconfig?: string } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const names = ['etcd', 'apiextensions-apiserver', 'minio', ...(options.bim ? ['bim-node-1-disk-1'] : [])];
  await writeFile(
    join(dir, 'env.json'),
    JSON.stringify({
      version: 1,
      dir,
      createdAt: new Date(0).toISOString(),
      kubeconfig: options.kubeconfig ?? join(dir, 'kubeconfig'),
      namespace: 'longhorn-system',
      apiServer: { url: 'https://127.0.0.1:9' },
      etcd: { url: 'http://127.0.0.1:9' },
      s3: {
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        accessKey: 'a',
        secretKey: 's',
        bucket: 'backupbucket',
      },
      backupTargetURL: 's3://backupbucket@us-east-1/backupstore',
      processes: names.map((name, i) => ({
        name,
        pid: process.pid,
        port: 9 + i,
        logFile: join(dir, 'logs', `${name}.log`),
        startedAt: new Date(0).toISOString(),
        command: process.command,
      })),
      tools: {},
      ...(options.bim
        ? {
            backingImageManagers: {
              version: options.bim,
              binary: '/nonexistent/backing-image-manager',
              backupstore: 'v0',
              disks: [
                {
                  process: 'bim-node-1-disk-1',
                  node: 'node-1',
                  disk: 'disk-1',
                  diskUUID: 'u',
                  diskPath: join(dir, 'disk'),
                  ip: '127.0.0.9',
                  portRange: '30001-30050',
                },
              ],
            },
          }
        : {}),
    }),
  );
  return dir;
}

// A bad --env-dir is bad usage in every command that takes it (docs/design.md#exit-codes): exit 2 naming
// the flag, before anything is built, started or written (cli/commands/run.test.ts checks `run`).
describe('lhchaos explore, run --profile explore, shrink, replay --env-dir: not a running environment exits 2', () => {
  let dir: string;
  let alive: ReturnType<typeof standIn>;
  // Shrink and replay take --bim from the record: a run of the model, or of Longhorn's own BIM.
  const record = (bim: 'model' | 'real') => join(dir, `${bim}-bim-run`);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-env-dir-usage-'));
    alive = standIn();
    await failingRecord(record('model'), MODEL);
    await failingRecord(record('real'), BIM_REAL);
    await writeFile(join(dir, 'a-file'), 'not a folder');
    await mkdir(join(dir, 'empty'));
    // A pid no process has (the kernel's limit is below 2^22): every recorded process is dead.
    await fakeEnvironment(join(dir, 'stopped'), { pid: 2 ** 30, command: alive.command });
    await fakeEnvironment(join(dir, 'no-bim'), { pid: alive.child.pid!, command: alive.command });
  });
  after(async () => {
    alive.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const envDirs: [string, () => string, RegExp][] = [
    ['a missing folder', () => join(dir, 'missing'), /no such directory/],
    ['a file', () => join(dir, 'a-file'), /not a directory/],
    ['a folder without env.json', () => join(dir, 'empty'), /no local environment there \(no env\.json\)/],
    [
      'an environment whose processes are dead',
      () => join(dir, 'stopped'),
      /the environment is not running \(etcd, apiextensions-apiserver, minio not alive\)/,
    ],
  ];
  const exploring = (envDir: string, out: string, bim: 'model' | 'real') => [
    '--bim',
    bim,
    '--manager',
    'model',
    '--env-dir',
    envDir,
    '--out',
    out,
  ];
  const commands: [string, (envDir: string, out: string, bim: 'model' | 'real') => string[]][] = [
    ['explore', (envDir, out, bim) => ['explore', ...exploring(envDir, out, bim)]],
    [
      'run --profile explore',
      (envDir, out, bim) => ['run', '--profile', 'explore', ...exploring(envDir, out, bim)],
    ],
    ['shrink', (envDir, out, bim) => ['shrink', record(bim), '--env-dir', envDir, '--out', out]],
    ['replay', (envDir, out, bim) => ['replay', record(bim), '--env-dir', envDir, '--out', out]],
  ];
  for (const [command, args] of commands) {
    for (const [what, envDir, message] of envDirs) {
      it(`${command} --env-dir ${what}`, async () => {
        const out = join(dir, 'out', `${command}-${what}`.replace(/\W+/g, '-'));
        const { code, stderr } = await runCliCaptured(...args(envDir(), out, 'model'));
        assert.equal(code, 2, stderr);
        assert.match(stderr, new RegExp(`--env-dir ${envDir()}: ${message.source}`));
        assert.equal(existsSync(out), false, 'nothing written');
      });
    }
    it(`${command} --bim real --env-dir an environment without Longhorn's backing-image-manager`, async () => {
      const out = join(dir, 'out', `${command}-bim`.replace(/\W+/g, '-'));
      const { code, stderr } = await runCliCaptured(...args(join(dir, 'no-bim'), out, 'real'));
      assert.equal(code, 2, stderr);
      assert.match(
        stderr,
        /--env-dir .*: --longhorn v1\.8\.1 needs Longhorn's backing-image-manager v1\.8\.1, and the environment runs none/,
      );
      assert.equal(existsSync(out), false, 'nothing written');
    });
  }
});

// The flags reach the exploration: explore.json records them. The environment passes the check (its
// processes are alive) but it is a stand-in (no kubeconfig, no backing-image-manager binary): the first run
// ends before it starts anything and so does the exploration (exit 3; every later run would end the same
// way at once), and with the model manager nothing is built.
describe('lhchaos explore and run --profile explore record --bim and --manager in explore.json', () => {
  let dir: string;
  let envDir: string;
  let alive: ReturnType<typeof standIn>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-explore-flags-'));
  });
  // One environment per case: with --bim real the run restarts its backing-image-manager (the stand-in
  // goes, and the binary it names does not exist), and the run ends there instead.
  beforeEach(async function () {
    alive = standIn();
    envDir = await fakeEnvironment(
      join(dir, `env-${this.currentTest?.title.replace(/\W+/g, '-')}`),
      { pid: alive.child.pid!, command: alive.command },
      { bim: 'v1.8.1', kubeconfig: join(dir, 'no-such-kubeconfig') },
    );
  });
  afterEach(() => {
    alive.child.kill('SIGKILL');
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
        envDir,
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
      // The run was meant to start, with these components, and ended at the stand-in environment.
      assert.match(stdout, /run 0: could not start/);
      assert.deepEqual((await readdir(join(out, 'runs'))).length, 1, 'one run record');
    });
  }
});

// Every flag is checked before anything is built: on a machine without the pinned tools, bad usage is exit
// 2 and no build starts (the build of Longhorn's own manager alone takes about 27 minutes cold).
describe('lhchaos run, explore, shrink, replay: bad usage exits 2 before any tool is built', function () {
  this.timeout(120_000);
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  let calls: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'lhchaos-usage-first-'));
    // An empty tool cache, and a `go` that records how it is called and fails: a build that starts shows.
    const bin = join(scratch, 'bin');
    await mkdir(bin);
    calls = join(scratch, 'go-calls');
    await writeFile(join(bin, 'go'), `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`);
    await chmod(join(bin, 'go'), 0o755);
    env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !TOOLS.some((t) => t.envVar === key)),
    );
    env.LHCHAOS_CACHE_DIR = join(scratch, 'cache');
    env.PATH = [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
    await failingRecord(join(scratch, 'real-run'), REAL);
  });
  beforeEach(async () => {
    await rm(calls, { force: true });
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  // Longhorn v1.8.1 by default: Longhorn's own manager, which a run builds even with --env-dir.
  const cases: [string, (out: string) => string[], RegExp][] = [
    [
      'run --env-dir missing',
      (out) => ['run', '--env-dir', join(scratch, 'missing'), '--out', out],
      /--env-dir /,
    ],
    [
      'explore --env-dir missing',
      (out) => ['explore', '--env-dir', join(scratch, 'missing'), '--out', out],
      /--env-dir /,
    ],
    [
      'shrink --env-dir missing',
      (out) => ['shrink', join(scratch, 'real-run'), '--env-dir', join(scratch, 'missing'), '--out', out],
      /--env-dir /,
    ],
    [
      'shrink --budget soon',
      (out) => ['shrink', join(scratch, 'real-run'), '--budget', 'soon', '--out', out],
      /--budget: expected a duration/,
    ],
    [
      'shrink --verify x',
      (out) => ['shrink', join(scratch, 'real-run'), '--verify', 'x', '--out', out],
      /--verify: expected an integer/,
    ],
    [
      'replay --env-dir missing',
      (out) => ['replay', join(scratch, 'real-run'), '--env-dir', join(scratch, 'missing'), '--out', out],
      /--env-dir /,
    ],
  ];
  for (const [title, args, message] of cases) {
    it(title, async () => {
      const out = join(scratch, 'out', title.replace(/\W+/g, '-'));
      const lhchaos = fileURLToPath(new URL('../../bin/lhchaos.js', import.meta.url));
      const child = spawn(process.execPath, [lhchaos, ...args(out)], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /first use: building the pinned tools/);
      assert.equal(existsSync(calls), false, 'no build started');
      assert.equal(existsSync(out), false, 'nothing written');
    });
  }
});
