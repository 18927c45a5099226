import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
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
    [['run', '--seed', 'x'], /--seed: expected an integer/],
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

describe('lhchaos report: usage', () => {
  it('rejects a directory that is no run record', async () => {
    const { code, err } = await cli(['report', '/nonexistent-run-dir']);
    assert.equal(code, 2);
    assert.match(err, /RUN_DIR: .* holds no history.jsonl/);
  });
});
