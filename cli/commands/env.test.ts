// lhchaos env through the CLI: bad input exits 2 naming what is wrong, and one real up/status/down cycle
// (starting over a stale env.json, refusing a second up) with the exit codes of design.md.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopLocalEnvironment, type EnvJson } from '../../fixtures/local/index.js';
import { runCliCaptured } from '../../test-support/cli.js';

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

  it('leaves a record when `env up` itself is killed mid-start, and `env down` stops what it left', async () => {
    const envDir = join(dir, 'killed');
    const bin = fileURLToPath(new URL('../../bin/lhchaos.js', import.meta.url));
    const up = spawn(process.execPath, [bin, 'env', 'up', '--dir', envDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let upStderr = '';
    up.stderr.on('data', (chunk: Buffer) => (upStderr += chunk.toString()));
    let upExit: number | null | undefined;
    const exited = new Promise((resolve) =>
      up.once('exit', (code) => {
        upExit = code;
        resolve(code);
      }),
    );
    try {
      // Wait until env.json lists a running process, then kill `up` without a chance to clean up.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const env = await readFile(join(envDir, 'env.json'), 'utf8').then(JSON.parse, () => undefined);
        if ((env as EnvJson | undefined)?.processes.length) break;
        assert.ok(upExit === undefined, `env up ended (${upExit}) before recording a process: ${upStderr}`);
        assert.ok(Date.now() < deadline, `env up never recorded a process: ${upStderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      up.kill('SIGKILL');
      await exited;
    }
    const left = JSON.parse(await readFile(join(envDir, 'env.json'), 'utf8')) as EnvJson;
    assert.ok(left.processes.length > 0);

    const down = await cli('env', 'down', '--dir', envDir);
    assert.equal(down.code, 0, down.stderr);
    for (const p of left.processes) {
      const cmdline = await readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => '');
      assert.equal(cmdline.includes(envDir), false, `${p.name} (pid ${p.pid}) still runs`);
    }
    const rest = await readdir(envDir).catch(() => []);
    assert.deepEqual(rest, [], 'the directory is gone, lock file included');
    assert.equal(existsSync(envDir), false);
  });
});
