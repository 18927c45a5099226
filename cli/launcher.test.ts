// bin/lhchaos.js runs dist/ exactly when dist/ was built from the sources as they are now
// (bin/dist-state.mjs), and the sources through tsx otherwise: a stale build never runs. The launcher is
// tested in a scratch clone (the real bin/ files, a dist/ and a cli/ that say which one ran), so the outcome
// does not depend on whether this clone's dist/ happens to be built.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SOURCE_FOLDERS, STATE_FILE, buildInputs, distIsCurrent, sourceDigest } from '../bin/dist-state.mjs';
import { repoRoot } from './repo-root.js';

describe('the lhchaos launcher and dist/', function () {
  let root: string;
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const markBuilt = async () => {
    await write(`dist/${STATE_FILE}`, JSON.stringify({ digest: sourceDigest(root), builtAt: 'now' }));
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhchaos-dist-state-'));
    await write('package.json', '{"type":"module"}');
    await write('tsconfig.json', '{}');
    await write('common/index.ts', 'export const a = 1;\n');
    await write('cli/main.ts', 'export {};\n');
    await write('fixtures/crds/x.yaml', 'kind: x\n');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('takes the sources, the files the code reads and the build settings as inputs, not the tests', async () => {
    await write('common/index.test.ts', '');
    assert.deepEqual(buildInputs(root), [
      'bin/build.mjs',
      'bin/dist-state.mjs',
      'cli/main.ts',
      'common/index.ts',
      'fixtures/crds/x.yaml',
      'package.json',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
  });

  it('watches exactly the folders tsc compiles into dist/', async () => {
    const build = JSON.parse(await readFile(join(repoRoot(), 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    assert.deepEqual([...SOURCE_FOLDERS].sort(), [...build.include].sort());
  });

  it('is current after a build, and stale after an edit, a new file or a deleted one', async () => {
    assert.equal(distIsCurrent(root), false, 'no build yet');
    await markBuilt();
    assert.equal(distIsCurrent(root), true);
    await write('common/index.test.ts', 'a test is no input');
    assert.equal(distIsCurrent(root), true);

    await write('common/index.ts', 'export const a = 2;\n');
    assert.equal(distIsCurrent(root), false, 'edited');
    await markBuilt();
    // The same size, an older time: a checkout of another commit.
    await write('common/index.ts', 'export const a = 3;\n');
    await utimes(join(root, 'common/index.ts'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    assert.equal(distIsCurrent(root), false, 'same size, other time');

    await markBuilt();
    await write('fixtures/crds/y.yaml', 'kind: y\n');
    assert.equal(distIsCurrent(root), false, 'new file');
    await markBuilt();
    await rm(join(root, 'cli/main.ts'));
    assert.equal(distIsCurrent(root), false, 'deleted file');
  });

  it('runs dist/ only while it is current, and never when LHCHAOS_FROM_SOURCE=1', async function () {
    this.timeout(120_000);
    const clone = repoRoot();
    await mkdir(join(root, 'bin'));
    for (const file of ['lhchaos.js', 'dist-state.mjs']) {
      await copyFile(join(clone, 'bin', file), join(root, 'bin', file));
    }
    await symlink(join(clone, 'node_modules'), join(root, 'node_modules'), 'dir');
    // Each entry point says which one ran; the TypeScript one needs tsx (a type annotation).
    await write('cli/main.ts', "const ran: string = 'sources';\nconsole.log(ran);\n");
    await write('dist/cli/main.js', "console.log('dist');\n");
    const { LHCHAOS_FROM_SOURCE: _inherited, ...env } = process.env;
    const launch = (extra: NodeJS.ProcessEnv = {}) => {
      const result = spawnSync(process.execPath, [join(root, 'bin', 'lhchaos.js')], {
        env: { ...env, ...extra },
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.trim();
    };

    assert.equal(launch(), 'sources', 'no build');
    await markBuilt();
    assert.equal(launch(), 'dist', 'current build');
    assert.equal(launch({ LHCHAOS_FROM_SOURCE: '1' }), 'sources', 'forced');
    await write('common/index.ts', 'export const a = 2;\n');
    assert.equal(launch(), 'sources', 'stale build');
  });

  it('--version names the version, how it runs and the pinned tools', function () {
    this.timeout(120_000);
    // The test runner sets LHCHAOS_FROM_SOURCE=1 (test-support/from-source.mjs): this is the sources.
    const result = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'lhchaos.js'), '--version'], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^lhchaos \d+\.\d+\.\d+ \(TypeScript sources through tsx\)$/m);
    assert.match(result.stdout, /^node v\d+\./m);
    assert.match(result.stdout, /^ {2}etcd +v\d/m);
  });
});
