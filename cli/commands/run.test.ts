// lhchaos run: every bad flag exits 2 naming it (and writes no run record); on a machine without the
// pinned tools the run builds them first, with the progress display of `tools install`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { TOOLS } from '../../fixtures/toolchain/index.js';
import { runCli } from '../program.js';

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  stdout.resume();
  const code = await runCli(args, { stdout, stderr });
  return { code, err };
}

describe('lhchaos run: usage errors exit 2 and name the bad flag', () => {
  const cases: [string[], RegExp][] = [
    [['run', '--profile', 'nope'], /--profile: unknown profile 'nope'/],
    [['run', '--seed', 'x'], /--seed: expected a whole number from 0 to 9007199254740991, got "x"/],
    [['run', '--seed', '9007199254740992'], /--seed: expected a whole number/],
    [['run', '--seed', '-1'], /--seed: expected a whole number/],
    [['run', '--iterations', '0'], /--iterations: must be >= 1/],
    [['run', '--duration', 'soon'], /--duration: expected a duration/],
    [['run', '--longhorn', 'v0.1'], /--longhorn: 'v0.1'/],
    [['run', '--sim-bugs', '+no-such-bug'], /--sim-bugs: unknown bug 'no-such-bug'/],
    [['run', '--scenario', 'nope'], /--scenario: unknown scenario 'nope'/],
    [['run', '--env', 'cloud'], /--env: expected local or kube/],
    [['run', '--env', 'kube', '--sim-bugs', '+regress-progress'], /--sim-bugs: only for --env local/],
    [
      ['run', '--env', 'kube', '--minio', 'http://127.0.0.1:9', '--cluster-dir', '/nonexistent/lhchaos'],
      /--cluster-dir: no cluster.json in \/nonexistent\/lhchaos/,
    ],
    [['run', '--cluster-dir', '/tmp'], /--cluster-dir: only for --env kube/],
    [['run', '--manager', 'robot'], /--manager: expected real or model/],
    [['run', '--longhorn', 'v1.10.2', '--manager', 'real'], /--manager real: no longhorn-manager v1.10.2/],
    [['run', '--sim-bugs', '+regress-progress'], /--sim-bugs: with --manager real/],
    [['run', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    it(args.slice(1).join(' '), async () => {
      const { code, err } = await cli(args);
      assert.equal(code, 2, err);
      assert.match(err, message);
    });
  }
});

describe('lhchaos run --env-dir: not an environment is bad usage, and nothing is written', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'lhchaos-env-dir-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const [what, make] of [
    ['a missing folder', async (path: string) => path],
    [
      'a file',
      async (path: string) => {
        await writeFile(path, 'not a folder');
        return path;
      },
    ],
    [
      'a folder without env.json',
      async (path: string) => {
        await mkdir(path);
        return path;
      },
    ],
  ] as const) {
    it(what, async () => {
      const envDir = await make(join(scratch, 'env'));
      const out = join(scratch, 'out');
      const { code, err } = await cli(['run', '--env', 'local', '--env-dir', envDir, '--out', out]);
      assert.equal(code, 2, err);
      assert.match(err, new RegExp(`--env-dir ${envDir}: `));
      assert.deepEqual(await readdir(out).catch(() => []), [], 'no run record');
    });
  }
});

describe('lhchaos run on a machine without the pinned tools', function () {
  this.timeout(120_000);
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'lhchaos-first-use-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('builds them first, showing the build, instead of asking the user to install them', async () => {
    // An empty tool cache, and a `go` that records how it is called and fails: no minutes-long build,
    // but the run must have tried to build (a run that only asks for `tools install` never calls go).
    const bin = join(scratch, 'bin');
    await mkdir(bin);
    const calls = join(scratch, 'go-calls');
    await writeFile(
      join(bin, 'go'),
      `#!/bin/sh\necho "$@" >> ${calls}\necho 'no network in this test' >&2\nexit 1\n`,
    );
    await chmod(join(bin, 'go'), 0o755);
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !TOOLS.some((t) => t.envVar === key)),
    );
    env.LHCHAOS_CACHE_DIR = join(scratch, 'cache');
    env.PATH = [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
    const out = join(scratch, 'out');
    const lhchaos = fileURLToPath(new URL('../../bin/lhchaos.js', import.meta.url));
    const child = spawn(process.execPath, [lhchaos, 'run', '--env', 'local', '--seed', '1', '--out', out], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    assert.match(stderr, /first use: building the pinned tools/, stderr);
    // Which tool is built first is the longest-first order of `installTools`; any build line will do.
    assert.match(stderr, /^building \S+ v\S+: go (build|install) /m, stderr);
    assert.doesNotMatch(stderr, /is not installed: run `lhchaos tools install/);
    assert.match(await readFile(calls, 'utf8'), /^build /m);
    assert.equal(code, 3, 'a failed build is an environment failure');
    assert.deepEqual(await readdir(out).catch(() => []), [], 'no run record for a run that never started');
  });
});

describe('lhchaos report: usage', () => {
  it('rejects a directory that is no run record', async () => {
    const { code, err } = await cli(['report', '/nonexistent-run-dir']);
    assert.equal(code, 2);
    assert.match(err, /RUN_DIR: .* holds no history.jsonl/);
  });
});
