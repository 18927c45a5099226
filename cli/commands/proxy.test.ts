// lhchaos proxy: bad flags and bad rules files exit 2 (in-process); a real process prints its URLs, loads a
// YAML rules file, writes the decision log, and closes cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyClient } from '../../fault-injectors/index.js';
import { runCliCaptured } from '../../test-support/cli.js';

const cli = runCliCaptured;

async function deadPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

describe('lhchaos proxy', function () {
  let dir: string;
  const base = [
    'proxy',
    '--upstream',
    'http://127.0.0.1:9',
    '--listen',
    '127.0.0.1:0',
    '--control',
    '127.0.0.1:0',
  ];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-proxy-cli-'));
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 on unknown flags, missing required flags and bad values, naming them', async function () {
    assert.equal((await cli(...base, '--colour')).code, 2);
    const missing = await cli('proxy', '--listen', '127.0.0.1:0', '--control', '127.0.0.1:0');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--upstream/);
    for (const [flags, named] of [
      [['--seed', 'abc'], /--seed/],
      [['--listen', 'nowhere'], /listen/],
      [['--upstream', 'not a url'], /upstream/],
      [['--control', '0.0.0.0:0'], /token/],
      [['--rules', join(dir, 'missing.yaml')], /--rules/],
      [['--upstream-access-key', 'only-half'], /--upstream-secret-key/],
      [['--decisions', join(dir, 'no-such-dir', 'faults.jsonl')], /decisionLog/],
    ] as const) {
      const args = [...base];
      if (args.includes(flags[0])) args[args.indexOf(flags[0]) + 1] = flags[1];
      else args.push(...flags);
      const result = await cli(...args);
      assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, named);
    }
  });

  it('exits 2 on a rules file with a bad rule, naming the entry and field', async function () {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      '- type: latency\n  name: ok\n  delayMs: 5\n- type: error\n  name: bad\n  code: Teapot\n',
    );
    const result = await cli(...base, '--rules', file);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /rules\[1\]\.code/);
  });

  it('runs until SIGTERM: prints its URLs, loads YAML rules, logs decisions, closes cleanly', async function () {
    const rules = join(dir, 'rules.yaml');
    const decisions = join(dir, 'faults.jsonl');
    await writeFile(
      rules,
      '- type: error\n  name: slow-down\n  code: SlowDown\n  match:\n    operations: [GetObject]\n',
    );
    const child = spawn(
      process.execPath,
      [
        'bin/lhchaos.js',
        'proxy',
        '--upstream',
        `http://127.0.0.1:${await deadPort()}`,
        '--listen',
        '127.0.0.1:0',
        '--control',
        '127.0.0.1:0',
        '--seed',
        '9',
        '--rules',
        rules,
        '--decisions',
        decisions,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const exited = once(child, 'exit');
      while (!/control (\S+)/.test(out)) {
        await Promise.race([
          once(child.stdout, 'data'),
          exited.then(() => assert.fail(`exited early: ${out}`)),
        ]);
      }
      const dataUrl = /data (\S+)/.exec(out)![1]!;
      const controlUrl = /control (\S+)/.exec(out)![1]!;
      assert.match(out, /seed 9/);
      const res = await fetch(`${dataUrl}/bucket/key`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /<Code>SlowDown<\/Code>/);
      assert.deepEqual(
        (await new ProxyClient(controlUrl).listRules()).map((r) => r.name),
        ['slow-down'],
      );
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
      assert.match(out, /stopped \(SIGTERM\)/);
      const lines = (await readFile(decisions, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { rule: string });
      assert.deepEqual(
        lines.map((l) => l.rule),
        ['slow-down'],
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
