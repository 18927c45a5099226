import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { readChaosEnv } from '../harness/index.js';
import { DEFAULT_CLUSTER_DIR, reproCommand, resolveRunOptions, toolsForRun } from './options.js';

describe('resolveRunOptions and reproCommand', () => {
  it('fills the local defaults and prints a command that resolves to the same run', () => {
    const env = readChaosEnv({});
    const first = resolveRunOptions(
      { seed: '42', scenario: ['latency'], simBugs: '+regress-progress', manager: 'model' },
      env,
    );
    assert.equal(first.env, 'local');
    assert.equal(first.longhorn, 'v1.8.1');
    assert.equal(first.profile.name, 'smoke');
    const repro = reproCommand(first);
    assert.equal(
      repro,
      'lhchaos run --env local --profile smoke --seed 42 --longhorn v1.8.1 --sim-bugs +regress-progress --manager model --scenario latency',
    );
    // Parse the printed flags back: same options.
    const flags: Record<string, string | string[]> = {};
    const words = repro.split(' ').slice(2);
    for (let i = 0; i < words.length; i += 2) {
      const key = words[i]!.replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
      if (key === 'scenario') flags.scenario = [...((flags.scenario as string[]) ?? []), words[i + 1]!];
      else flags[key] = words[i + 1]!;
    }
    const again = resolveRunOptions(flags, env);
    assert.equal(reproCommand(again), repro);
  });

  it("--bim: Longhorn's own backing-image-manager wherever a build runs here, else the model", () => {
    const env = readChaosEnv({});
    assert.equal(resolveRunOptions({}, env).bim, 'real');
    assert.equal(resolveRunOptions({ longhorn: 'v1.9.0' }, env).bim, 'real');
    assert.equal(resolveRunOptions({ longhorn: 'v1.9.2' }, env).bim, 'real');
    assert.equal(resolveRunOptions({ longhorn: 'v1.10.2' }, env).bim, 'model');
    assert.equal(resolveRunOptions({}, readChaosEnv({ LHCHAOS_BIM: 'model' })).bim, 'model');
    const model = resolveRunOptions({ seed: '5', bim: 'model' }, env);
    assert.equal(
      reproCommand(model),
      'lhchaos run --env local --profile smoke --seed 5 --longhorn v1.8.1 --bim model',
    );
    assert.doesNotMatch(reproCommand(resolveRunOptions({ seed: '5' }, env)), /--bim/);
    assert.doesNotMatch(reproCommand(resolveRunOptions({ seed: '5', longhorn: 'v1.10.2' }, env)), /--bim/);
    // A run built without `bim` (the self-tests) ran the model: its repro says so.
    assert.match(reproCommand({ ...model, bim: undefined }), /--bim model$/);
    assert.throws(() => resolveRunOptions({ bim: 'fake' }, env), /--bim: expected real or model, got 'fake'/);
    assert.throws(
      () => resolveRunOptions({ longhorn: 'v1.10.2', bim: 'real' }, env),
      /--bim real: no build of Longhorn's backing-image-manager stands for v1\.10\.2/,
    );
    assert.throws(
      () => resolveRunOptions({ simBugs: '-skip-progress-when-exists' }, env),
      /--sim-bugs: 'skip-progress-when-exists' is a switch of the model's backing-image-manager.*--bim model/,
    );
    assert.equal(
      resolveRunOptions({ simBugs: '-skip-progress-when-exists', bim: 'model' }, env).bim,
      'model',
    );
    assert.throws(
      () => resolveRunOptions({ env: 'kube', bim: 'real' }, env, {}),
      /--bim: only for --env local/,
    );
  });

  it('names the tools a run starts, so a first run builds them (the pins of its version only)', () => {
    const env = readChaosEnv({});
    const core = ['etcd', 'apiextensions-apiserver', 'minio'];
    assert.deepEqual(toolsForRun(resolveRunOptions({}, env)), [
      ...core,
      'backing-image-manager@v1.8.1',
      'longhorn-manager@v1.8.1',
      'longhorn-engine@v1.8.0',
    ]);
    assert.deepEqual(toolsForRun(resolveRunOptions({ longhorn: 'v1.9.0' }, env)), [
      ...core,
      'backing-image-manager@v1.9.2',
      'longhorn-manager@v1.9.0',
      'longhorn-engine@v1.9.0',
    ]);
    assert.deepEqual(toolsForRun(resolveRunOptions({ bim: 'model' }, env)), core);
    // A reused environment already runs its processes; the manager is still the run's own.
    assert.deepEqual(toolsForRun(resolveRunOptions({ envDir: '/tmp/env' }, env)), [
      'longhorn-manager@v1.8.1',
      'longhorn-engine@v1.8.0',
    ]);
    assert.deepEqual(toolsForRun(resolveRunOptions({ env: 'kube' }, env, {})), []);
  });

  it("runs longhorn-manager's own controllers by default where they are built, the model elsewhere", () => {
    const env = readChaosEnv({});
    for (const longhorn of ['v1.8.1', 'v1.9.0']) {
      const real = resolveRunOptions({ seed: '1', longhorn }, env);
      assert.equal(real.manager, 'real');
      assert.doesNotMatch(reproCommand(real), /--manager/);
    }
    const newer = resolveRunOptions({ seed: '1', longhorn: 'v1.10.2' }, env);
    assert.equal(newer.manager, 'model');
    assert.equal(
      resolveRunOptions({ longhorn: 'v1.9.0' }, readChaosEnv({ LHCHAOS_MANAGER: 'model' })).manager,
      'model',
    );
    assert.equal(resolveRunOptions({ env: 'kube' }, env, {}).manager, undefined);
    assert.throws(() => resolveRunOptions({ manager: 'robot' }, env), /--manager: expected real or model/);
    // --bim model alone means the model manager too (the real one needs real BIMs); the repro says only --bim.
    const modelBim = resolveRunOptions({ seed: '1', bim: 'model' }, env);
    assert.equal(modelBim.manager, 'model');
    assert.doesNotMatch(reproCommand(modelBim), /--manager/);
    assert.throws(
      () => resolveRunOptions({ bim: 'model', manager: 'real' }, env),
      /--manager real: longhorn-manager's BackupBackingImage controller calls the backing-image managers/,
    );
    assert.throws(
      () => resolveRunOptions({ manager: 'real', longhorn: 'v1.10.2' }, env),
      /--manager real: no longhorn-manager v1.10.2 here; real: v1.8.1, v1.9.0/,
    );
    assert.throws(
      () => resolveRunOptions({ simBugs: '+regress-progress' }, env),
      /--sim-bugs: with --manager real/,
    );
    assert.throws(
      () => resolveRunOptions({ timeFactor: '0.1' }, env),
      /--time-factor: the real longhorn-manager/,
    );
    assert.equal(resolveRunOptions({ timeFactor: '1' }, env).timeFactor, 1);
    assert.throws(
      () => resolveRunOptions({ env: 'kube', manager: 'real' }, env, {}),
      /--manager: only for --env local/,
    );
  });

  it('takes settings from LHCHAOS_* when no flag is given, flags win', () => {
    const env = readChaosEnv({ LHCHAOS_SEED: '7', LHCHAOS_LONGHORN: 'v1.9.0', LHCHAOS_PROFILE: 'repro' });
    const fromEnv = resolveRunOptions({}, env);
    assert.equal(fromEnv.seed, 7);
    assert.equal(fromEnv.longhorn, 'v1.9.0');
    assert.equal(fromEnv.profile.name, 'repro');
    assert.equal(resolveRunOptions({ seed: '9' }, env).seed, 9);
  });

  it('keeps a seed above 32 bits whole, in the options and in the repro command', () => {
    const wide = resolveRunOptions({ seed: '4294967296' }, readChaosEnv({}));
    assert.equal(wide.seed, 2 ** 32);
    assert.match(reproCommand(wide), / --seed 4294967296 /);
  });

  it('reads --co-load alone as a warning on breach and --co-load fail as a failure, and repeats it', () => {
    const env = readChaosEnv({});
    assert.equal(resolveRunOptions({}, env).coLoad, undefined);
    const warn = resolveRunOptions({ coLoad: true }, env);
    assert.equal(warn.coLoad, 'warn');
    assert.match(reproCommand(warn), / --co-load$/);
    const fail = resolveRunOptions({ coLoad: 'fail' }, env);
    assert.equal(fail.coLoad, 'fail');
    assert.match(reproCommand(fail), / --co-load fail$/);
    assert.throws(
      () => resolveRunOptions({ coLoad: 'loud' }, env),
      /--co-load: expected nothing, warn or fail, got 'loud'/,
    );
  });

  it('names the variable of a bad LHCHAOS_* value', () => {
    assert.throws(
      () => readChaosEnv({ LHCHAOS_SEED: 'abc' }),
      /LHCHAOS_SEED: expected a whole number from 0 to 9007199254740991/,
    );
    assert.throws(() => readChaosEnv({ LHCHAOS_ENV: 'mars' }), /LHCHAOS_ENV: expected local or kube/);
  });

  it('kube: takes what --proxy-control/--minio leave open from the cluster dir (flag, LHCHAOS_CLUSTER_DIR, default)', () => {
    const env = readChaosEnv({});
    const kube = { env: 'kube' };
    assert.equal(resolveRunOptions(kube, env, {}).clusterDir, resolve(DEFAULT_CLUSTER_DIR));
    assert.equal(DEFAULT_CLUSTER_DIR, '.lhchaos/cluster-lhchaos');
    assert.equal(resolveRunOptions(kube, env, { LHCHAOS_CLUSTER_DIR: '/c/env' }).clusterDir, '/c/env');
    assert.equal(
      resolveRunOptions({ ...kube, clusterDir: '/c/flag' }, env, { LHCHAOS_CLUSTER_DIR: '/c/env' })
        .clusterDir,
      '/c/flag',
    );
    const given = resolveRunOptions({ ...kube, proxyControl: 'http://p:1', minio: 'http://m:2' }, env, {
      LHCHAOS_BACKING_IMAGE_URL: 'http://images/x.raw',
    });
    assert.equal(given.clusterDir, undefined);
    assert.equal(given.kube?.proxyControlUrl, 'http://p:1');
    assert.equal(given.kube?.store?.endpoint, 'http://m:2');
    assert.equal(given.kube?.backingImageUrl, 'http://images/x.raw');
    assert.equal(resolveRunOptions({}, env, { LHCHAOS_CLUSTER_DIR: '/c/env' }).clusterDir, undefined);
    const elsewhere = resolveRunOptions({ ...kube, seed: '3', clusterDir: '/c/flag' }, env, {});
    assert.match(reproCommand(elsewhere), /--env kube .*--cluster-dir \/c\/flag$/);
    assert.doesNotMatch(reproCommand(resolveRunOptions(kube, env, {})), /--cluster-dir/);
    // The seed the cluster was built with is said, and that the run's own seed replaces it.
    assert.match(
      reproCommand({ ...elsewhere, clusterSeed: 9 }),
      /--seed 3 .*--cluster-dir \/c\/flag # cluster up --seed 9; the run's --seed replaces it$/,
    );
    assert.throws(
      () => resolveRunOptions({ clusterDir: '/c' }, env, {}),
      /--cluster-dir: only for --env kube/,
    );
  });
});
