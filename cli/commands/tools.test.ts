// lhchaos tools, run in-process through runCli against the real tool cache.
import assert from 'node:assert/strict';
import { TOOLS } from '../../fixtures/toolchain/index.js';
import { runCliCaptured } from '../../test-support/cli.js';

const cli = runCliCaptured;

describe('lhchaos tools', () => {
  it('fails with exit 2 on an unknown subcommand', async () => {
    const result = await cli('tools', 'frobnicate');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'tools frobnicate'; commands: install, list/);
  });

  it('fails with exit 2 without a subcommand, or with a stray argument', async () => {
    const bare = await cli('tools');
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /needs a command: install or list/);
    assert.equal((await cli('tools', 'list', 'extra')).code, 2);
  });

  it('fails with exit 2 on an unknown flag', async () => {
    assert.equal((await cli('tools', 'list', '--colour')).code, 2);
    assert.equal((await cli('tools', 'install', '--fast')).code, 2);
  });

  it('fails with exit 2 on an unknown tool, naming it and the valid ones', async () => {
    const result = await cli('tools', 'install', 'kind', 'kubectl');
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /unknown tool 'kubectl'; valid tools: etcd, apiextensions-apiserver, minio, k6/,
    );
    assert.equal(result.stdout, '', 'nothing was installed before the names were checked');
  });

  it('fails with exit 2 on a --jobs that is no whole number from 1, naming the flag, before any build', async () => {
    for (const jobs of ['0', '-1', '1.5', 'two', '']) {
      // An unknown tool beside it: were --jobs taken, the command would still build nothing.
      const result = await cli('tools', 'install', 'no-such-tool', '--jobs', jobs);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`--jobs: expected a whole number of builds at once \\(1 or more\\), got '${jobs}'`),
      );
      assert.equal(result.stdout, '');
    }
  });

  it('lists every tool as JSON', async () => {
    const result = await cli('tools', 'list', '--json');
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { name: string; status: string; path: string | null }[];
    assert.deepEqual(
      rows.map((r) => r.name),
      TOOLS.map((t) => t.name),
    );
    for (const row of rows) assert.notEqual(row.status, 'missing', `${row.name} is missing`);
  });

  it('lists every tool as a table', async () => {
    const result = await cli('tools', 'list');
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, TOOLS.length);
    assert.match(lines[0]!, /^etcd\s+v3\.6\.16\s+(cached|env|path)\s+\/\S+\/etcd$/);
  });

  it('installs already present tools without building them', async () => {
    const result = await cli('tools', 'install', 'kind', 'etcd');
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^kind v0\.33\.0: \/\S+ \((cached|from env var|from PATH)\)\netcd v3\.6\.16: /,
    );
    assert.doesNotMatch(result.stderr, /building/);
  });
});
