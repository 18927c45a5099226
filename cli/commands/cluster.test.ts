// lhchaos cluster through the CLI: bad flags exit 2 naming the flag; up/status/down run end to end
// against the recording executor (Docker and kind cannot run here), and status prints no credentials.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { UsageError, type Clock } from '../../common/index.js';
import { FakeClusterWorld } from '../../fixtures/kind/index.js';
import { runCli } from '../program.js';
import { registerCluster } from './cluster.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

const clock: Clock = { now: () => Date.UTC(2026, 0, 1), monotonic: () => 0, sleep: async () => {} };

/** The cluster command alone, with the recording executor in place of Docker/kind/kubectl. */
async function runWith(world: FakeClusterWorld, argv: string[]) {
  const out = sink();
  const err = sink();
  const program = new Command('lhchaos').exitOverride();
  registerCluster(
    program,
    { stdout: out.stream, stderr: err.stream },
    { executor: world, clock, locateKind: async () => '/fake/kind' },
  );
  let code = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    code = error instanceof UsageError || error instanceof CommanderError ? 2 : 3;
    err.stream.write(String(error));
  }
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('lhchaos cluster', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-cluster-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [argv, pattern] of [
    [['cluster'], /subcommand is required/],
    [['cluster', 'sideways'], /unknown subcommand 'sideways'/],
    [['cluster', 'up', '--longhorn', 'v1.7.0'], /--longhorn/],
    [['cluster', 'up', '--bogus'], /unknown option '--bogus'/],
    [['cluster', 'up', '--name', 'Bad_Name'], /--name: 'Bad_Name'/],
    [['cluster', 'up', '--seed', 'x1'], /--seed/],
    [['cluster', 'up', '--poll-interval', '30'], /--poll-interval/],
    [['cluster', 'up', '--existing'], /--kubeconfig is required/],
    [['cluster', 'up', '--context', 'c'], /only with --existing/],
  ] as const) {
    it(`exits 2 for ${argv.join(' ')}`, async () => {
      const err = sink();
      const code = await runCli(argv[1] === 'up' ? [...argv, '--dir', dir] : [...argv], {
        stdout: sink().stream,
        stderr: err.stream,
      });
      assert.equal(code, 2);
      assert.match(err.text(), pattern);
    });
  }

  it('status without a cluster is a usage error that says how to make one', async () => {
    const err = sink();
    assert.equal(
      await runCli(['cluster', 'status', '--dir', dir], { stdout: sink().stream, stderr: err.stream }),
      2,
    );
    assert.match(err.text(), /lhchaos cluster up/);
  });

  it('up, status and down end to end; status shows no credentials', async () => {
    const world = new FakeClusterWorld();
    const up = await runWith(world, [
      'cluster',
      'up',
      '--name',
      'cli',
      '--longhorn',
      'v1.9.0',
      '--seed',
      '9',
      '--dir',
      dir,
    ]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /Longhorn v1\.9\.0 in longhorn-system/);
    assert.match(up.stderr, /cluster: creating kind cluster cli/);
    assert.ok(
      world
        .lines()
        .some(
          (l) =>
            l ===
            `kind create cluster --name cli --config ${join(process.cwd(), 'kind-config.yaml')} --kubeconfig ${join(dir, 'kubeconfig')} --wait 5m`,
        ),
      world.lines().join('\n'),
    );
    const recorded = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
    assert.equal(recorded.seed, 9);

    const status = await runWith(world, ['cluster', 'status', '--dir', dir]);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /proxy control lhchaos-s3-proxy\.lhchaos-system:9100 \(seed 9\)/);
    for (const secret of [recorded.minio.accessKey, recorded.minio.secretKey, recorded.proxy.token]) {
      assert.ok(!status.stdout.includes(secret), 'status leaks a credential');
    }

    const down = await runWith(world, ['cluster', 'down', '--name', 'cli', '--dir', dir]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /removed: kind cluster cli, cluster\.json/);
    assert.equal(world.clusters.size, 0);
  });
});
