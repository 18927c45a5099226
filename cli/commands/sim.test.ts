// lhchaos sim: flag validation (exit 2 naming the bad flag) and a real run against the local environment
// that serves the control endpoint until stopped.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCli } from '../program.js';
import { parseControl, parseDisks, runSim } from './sim.js';
import { useLocalEnvironment } from '../../test-support/local-env.js';

function io() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += String(d)));
  err.on('data', (d) => (stderr += String(d)));
  return { io: { stdout: out, stderr: err }, text: () => ({ stdout, stderr }) };
}

describe('lhchaos sim', function () {
  this.timeout(120_000);

  it('rejects an unknown bug with exit 2, listing the valid names', async () => {
    const t = io();
    const code = await runCli(
      [
        'sim',
        '--kubeconfig',
        'k',
        '--s3',
        'http://127.0.0.1:1',
        '--access-key',
        'a',
        '--secret-key',
        'b',
        '--bugs',
        '+nope',
      ],
      t.io,
    );
    assert.equal(code, 2);
    assert.match(
      t.text().stderr,
      /--bugs: unknown bug 'nope'; valid: skip-progress-when-exists, list-error-as-empty/,
    );
  });

  it('rejects an unknown version, missing credentials and unknown flags with exit 2', async () => {
    const base = ['sim', '--kubeconfig', 'k', '--s3', 'http://127.0.0.1:1'];
    let t = io();
    assert.equal(
      await runCli([...base, '--access-key', 'a', '--secret-key', 'b', '--longhorn', 'v9'], t.io),
      2,
    );
    assert.match(t.text().stderr, /--longhorn: unknown version 'v9'/);
    t = io();
    assert.equal(await runCli(base, t.io), 2);
    assert.match(t.text().stderr, /credentials/);
    t = io();
    assert.equal(await runCli([...base, '--frobnicate'], t.io), 2);
  });

  it('parses --disks and --control, naming the flag on bad input', () => {
    assert.deepEqual(
      parseDisks('3').map((d) => d.node),
      ['node-1', 'node-2', 'node-3'],
    );
    assert.deepEqual(parseDisks('n1/d1,n2/d2'), [
      { node: 'n1', disk: 'd1' },
      { node: 'n2', disk: 'd2' },
    ]);
    assert.throws(() => parseDisks('n1'), /--disks/);
    assert.deepEqual(parseControl('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.throws(() => parseControl('nope'), /--control/);
  });

  describe('against the local environment', () => {
    const local = useLocalEnvironment();

    it('runs until stopped, logs JSON lines and serves /healthz, /status and the restart faults', async () => {
      const env = local().env;
      const t = io();
      const stop = new AbortController();
      const running = runSim(
        {
          kubeconfig: env.kubeconfig,
          s3: env.s3.endpoint,
          longhorn: 'v1.8.1',
          bugs: '+regress-progress',
          envJson: `${env.dir}/env.json`,
          namespace: 'cli-sim',
          seed: '3',
          timeFactor: '0.1',
          disks: '3',
          region: 'us-east-1',
          backupTargetUrl: 's3://backupbucket@us-east-1/cli-sim',
        },
        t.io,
        stop.signal,
      );
      const started = Date.now();
      let url: string | undefined;
      while (!url) {
        url = /control (http:\/\/\S+)/.exec(t.text().stderr)?.[1];
        if (!url) {
          if (Date.now() - started > 30_000) throw new Error(`no control URL: ${t.text().stderr}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      try {
        assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { ok: true });
        const status = (await (await fetch(`${url}/status`)).json()) as {
          behaviour: { version: string; bugs: string[] };
          backingImageManagers: Record<string, { restarts: number }>;
        };
        assert.equal(status.behaviour.version, 'v1.8.1');
        assert.deepEqual(status.behaviour.bugs, [
          'skip-progress-when-exists',
          'list-error-as-empty',
          'regress-progress',
        ]);
        assert.equal(Object.keys(status.backingImageManagers).length, 3);
        const restart = await fetch(`${url}/faults/restart-backing-image-manager`, {
          method: 'POST',
          body: JSON.stringify({ disk: 'disk-1' }),
        });
        assert.equal(restart.status, 200);
        const after = (await (await fetch(`${url}/status`)).json()) as typeof status;
        assert.ok(Object.values(after.backingImageManagers).every((m) => m.restarts === 1));
        assert.equal((await fetch(`${url}/faults/restart-manager`, { method: 'POST' })).status, 200);
        assert.equal((await fetch(`${url}/nope`)).status, 404);
      } finally {
        stop.abort();
        await running;
      }
      const first = JSON.parse(t.text().stdout.split('\n')[0] as string) as {
        msg: string;
        component: string;
      };
      assert.equal(first.msg, 'simulator started');
    });
  });
});
