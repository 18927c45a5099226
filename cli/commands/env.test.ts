// lhchaos env through the CLI: bad input exits 2 naming what is wrong, and one real up/status/down cycle
// (starting over a stale env.json, refusing a second up) with the exit codes of docs/design.md#exit-codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopLocalEnvironment, type EnvJson } from '../../fixtures/local/index.js';
import { runCliCaptured } from '../../test-support/cli.js';
import { waitFor } from '../../test-support/wait.js';

const cli = runCliCaptured;

describe('lhchaos env', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-env-cli-'));
  });
  after(async () => {
    // Every environment a test may have started here, even one a failed assertion left running.
    for (const entry of await readdir(dir))
      await stopLocalEnvironment(join(dir, entry), { keep: true }).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 on an unknown subcommand, an unknown flag or no subcommand', async () => {
    for (const argv of [['env', 'sideways'], ['env', 'up', '--bogus'], ['env', 'down', '--force'], ['env']]) {
      const result = await cli(...argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.notEqual(result.stderr, '', argv.join(' '));
      if (argv[1] === 'sideways') assert.match(result.stderr, /unknown subcommand 'sideways'/);
    }
  });

  it('exits 2 naming the path when --dir cannot be created', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    const bad = join(file, 'env');
    const result = await cli('env', 'up', '--dir', bad);
    assert.equal(result.code, 2);
    assert.ok(result.stderr.includes(bad), result.stderr);
  });

  it('refuses to use, or clean, a --dir that holds files of its own', async () => {
    const foreign = join(dir, 'project');
    await mkdir(join(foreign, 'data'), { recursive: true });
    await writeFile(join(foreign, 'data', 'precious.txt'), 'keep me');
    const up = await cli('env', 'up', '--dir', foreign);
    assert.equal(up.code, 2);
    assert.ok(
      up.stderr.includes(foreign) && up.stderr.includes('not part of an lhchaos environment'),
      up.stderr,
    );
    const down = await cli('env', 'down', '--dir', foreign);
    assert.equal(down.code, 0);
    assert.equal(existsSync(join(foreign, 'data', 'precious.txt')), true);
  });

  it('starts over a stale env.json, refuses a concurrent and a second up, reports status, and stops', async () => {
    const envDir = join(dir, 'env');
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    const stale = {
      version: 1,
      dir: envDir,
      createdAt: new Date(0).toISOString(),
      kubeconfig: join(envDir, 'kubeconfig'),
      namespace: 'longhorn-system',
      apiServer: { url: 'https://127.0.0.1:1' },
      etcd: { url: 'http://127.0.0.1:1' },
      s3: {
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        accessKey: 'old',
        secretKey: 'oldoldold',
        bucket: 'backupbucket',
      },
      backupTargetURL: 's3://backupbucket@us-east-1/backupstore',
      processes: [
        {
          name: 'etcd',
          pid: dead.pid!,
          port: 1,
          logFile: join(envDir, 'logs', 'etcd.log'),
          startedAt: new Date(0).toISOString(),
          command: [process.execPath, '-e', ''],
        },
      ],
      tools: {},
    } satisfies EnvJson;
    await rm(envDir, { recursive: true, force: true });
    await mkdir(envDir, { recursive: true });
    await writeFile(join(envDir, 'env.json'), JSON.stringify(stale));

    // Two at once: one starts, the other is refused by the directory lock instead of racing it.
    const both = await Promise.all([cli('env', 'up', '--dir', envDir), cli('env', 'up', '--dir', envDir)]);
    const up = both.find((r) => r.code === 0);
    const refused = both.find((r) => r.code !== 0);
    assert.ok(up && refused, both.map((r) => r.stderr).join('\n'));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /another `lhchaos env up` \(pid \d+\) is starting/);
    assert.match(up.stderr, /stale environment/);
    assert.ok(
      up.stdout.includes(join(envDir, 'kubeconfig')) && up.stdout.includes(join(envDir, 'env.json')),
      up.stdout,
    );
    assert.match(up.stdout, /lhchaos env status/);

    const status = await cli('env', 'status', '--dir', envDir, '--json');
    assert.equal(status.code, 0);
    const parsed = JSON.parse(status.stdout) as { state: string; processes: { alive: boolean }[] };
    assert.equal(parsed.state, 'running');
    assert.equal(parsed.processes.length, 3);

    const again = await cli('env', 'up', '--dir', envDir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already running/);
    assert.match(again.stderr, /lhchaos env down --dir/);

    const down = await cli('env', 'down', '--dir', envDir);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(existsSync(join(envDir, 'data')), false);
    const after = await cli('env', 'status', '--dir', envDir);
    assert.equal(after.code, 3);
    assert.match(after.stdout, /no local environment/);
  });

  it('leaves nothing when `env up` itself is killed mid-start: its watchdog stops what it started', async function () {
    this.timeout(300_000);
    const envDir = join(dir, 'killed');
    const bin = fileURLToPath(new URL('../../bin/lhchaos.js', import.meta.url));
    const up = spawn(process.execPath, [bin, 'env', 'up', '--dir', envDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let upStderr = '';
    up.stderr.on('data', (chunk: Buffer) => (upStderr += chunk.toString()));
    const exited = new Promise((resolve) => up.once('exit', resolve));
    let left: EnvJson | undefined;
    try {
      // Wait until env.json lists a running process, then kill `up` without a chance to clean up.
      // A bound for a loaded machine (tsx and the tool checks take seconds there), not a speed target.
      left = await waitFor('env up to record a process', 240_000, async () => {
        assert.equal(up.exitCode, null, `env up ended before recording a process: ${upStderr}`);
        const env = await readFile(join(envDir, 'env.json'), 'utf8').then(JSON.parse, () => undefined);
        return (env as EnvJson | undefined)?.processes.length ? (env as EnvJson) : undefined;
      });
    } finally {
      up.kill('SIGKILL');
      await exited;
    }
    await waitFor('every process `up` started to end and its folder to go', 10_000, async () => {
      for (const p of left!.processes) {
        const cmdline = await readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => '');
        if (cmdline.includes(envDir)) return undefined;
      }
      return existsSync(envDir) ? undefined : true;
    });
  });

  it('down on an empty folder leaves it and says nothing was removed', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const down = await cli('env', 'down', '--dir', empty);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(existsSync(empty), true);
    assert.doesNotMatch(down.stdout, /data removed/);
    assert.match(down.stdout, /nothing removed/);
  });

  it('gc removes a stale environment under --root and exits 2 for a missing root', async () => {
    const root = join(dir, 'gc-root');
    const stale = join(root, 'lhchaos-run-env-old');
    await mkdir(join(stale, 'logs'), { recursive: true });
    // An owner that cannot be alive: pid 1 never has start time 0 here (it started at boot, after 0).
    await writeFile(
      join(stale, 'owner.json'),
      JSON.stringify({ version: 1, owner: { pid: 1, startTicks: -1 }, createdAt: new Date(0).toISOString() }),
    );
    const dry = await cli('env', 'gc', '--root', root, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`would remove ${stale}`));
    assert.equal(existsSync(stale), true);
    const gc = await cli('env', 'gc', '--root', root);
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stdout, /1 stale environment\(s\) removed/);
    assert.equal(existsSync(stale), false);
    const missing = await cli('env', 'gc', '--root', join(dir, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--root .*nope: no such directory/);
  });
});
