// `run --env kube` takes what `cluster up` recorded. No cluster can run here (no Docker, no kind): the
// cluster.json is written by the real clusterUp over FakeClusterWorld (the recording executor with a
// kind/docker/kubectl model), and a stand-in replaces the two port-forwards; everything else is real.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../../common/index.js';
import {
  FakeClusterWorld,
  clusterUp,
  readClusterJson,
  type ArtifactOptions,
  type ClusterJson,
} from '../../fixtures/kind/index.js';
import { collectKubeArtifacts, openKubeAccess } from './kube-access.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kind-chaos
  cluster: { server: https://127.0.0.1:1 }
users:
- name: u
  user: { token: t }
contexts:
- name: kind-chaos
  context: { cluster: kind-chaos, user: u }
current-context: kind-chaos
`;

/** Time that moves only when the bootstrap sleeps: its waits end at once. */
function steppingClock(): Clock {
  let t = Date.UTC(2026, 0, 1);
  return { now: () => t, monotonic: () => t, sleep: async (ms) => void (t += ms) };
}

describe('openKubeAccess: run --env kube from a cluster up directory', function () {
  this.timeout(30_000);
  let dir: string;
  let cluster: ClusterJson;
  const forwards: { server: string; cluster: ClusterJson; closed: boolean }[] = [];

  /** Stands in for openClusterAccess (two port-forwards); records what it was asked to open. */
  const forward = async (kubeConfig: KubeConfig, recorded: ClusterJson) => {
    const handle = { server: kubeConfig.getCurrentCluster()?.server ?? '', cluster: recorded, closed: false };
    forwards.push(handle);
    return {
      proxyControlUrl: 'http://127.0.0.1:40001',
      store: {
        endpoint: 'http://127.0.0.1:40002',
        accessKey: recorded.minio.accessKey,
        secretKey: recorded.minio.secretKey,
        bucket: recorded.minio.bucket,
        region: recorded.minio.region,
      },
      backingImageUrl: recorded.backingImageUrl,
      backupTargetURL: recorded.backupTargetURL,
      longhornVersion: recorded.longhorn.version,
      namespace: recorded.longhorn.namespace,
      close: async () => void (handle.closed = true),
    };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-kube-access-'));
    await writeFile(join(dir, 'kubeconfig'), KUBECONFIG);
    await clusterUp({
      mode: 'kind',
      name: 'chaos',
      dir,
      kubeconfig: join(dir, 'kubeconfig'),
      executor: new FakeClusterWorld(),
      clock: steppingClock(),
      kindBinary: '/cache/kind/v0.33.0/bin/kind',
      longhorn: 'v1.9.0',
      seed: 42,
      repoRoot,
      kindConfigPath: join(repoRoot, 'kind-config.yaml'),
      newCredentials: () => ({ accessKey: 'ak-test', secretKey: 'sk-test', proxyToken: 'tok-test' }),
      waitTimeoutMs: 10_000,
    });
    cluster = await readClusterJson(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => void (forwards.length = 0));

  it('takes the proxy, MinIO with credentials, backing-image URL, kubeconfig and version from cluster.json', async () => {
    const access = await openKubeAccess({ clusterDir: dir, longhorn: 'unknown', forward });
    assert.equal(forwards.length, 1);
    assert.equal(forwards[0]?.server, 'https://127.0.0.1:1');
    assert.equal(access.kube.proxyControlUrl, 'http://127.0.0.1:40001');
    assert.deepEqual(access.kube.store, {
      endpoint: 'http://127.0.0.1:40002',
      accessKey: 'ak-test',
      secretKey: 'sk-test',
      bucket: cluster.minio.bucket,
      region: cluster.minio.region,
    });
    assert.equal(access.kube.backingImageUrl, cluster.backingImageUrl);
    assert.doesNotMatch(access.kube.backingImageUrl ?? '', /amazonaws/);
    assert.equal(access.kubeconfig, join(dir, 'kubeconfig'));
    assert.equal(access.longhorn, 'v1.9.0');
    assert.equal(access.clusterDir, dir);
    assert.equal(access.clusterSeed, 42, 'the seed cluster up recorded, for meta.json and the repro');
    await access.close();
    assert.equal(forwards[0]?.closed, true);
  });

  it('lets flags win over cluster.json, and opens nothing when the proxy and MinIO are both given', async () => {
    const store = { endpoint: 'http://m:9', accessKey: 'a', secretKey: 's', bucket: 'b', region: 'r' };
    const partial = await openKubeAccess({
      clusterDir: dir,
      store,
      backingImageUrl: 'http://images/x.raw',
      longhorn: 'v1.8.1',
      forward,
    });
    assert.equal(partial.kube.proxyControlUrl, 'http://127.0.0.1:40001');
    assert.deepEqual(partial.kube.store, store);
    assert.equal(partial.kube.backingImageUrl, 'http://images/x.raw');
    assert.equal(partial.longhorn, 'v1.8.1');
    await partial.close();
    const full = await openKubeAccess({ clusterDir: dir, proxyControlUrl: 'http://p:1', store, forward });
    assert.equal(forwards.length, 1, 'no second forward when nothing is missing');
    assert.equal(full.kube.proxyControlUrl, 'http://p:1');
    assert.equal(full.clusterDir, undefined);
  });

  it('names --cluster-dir when there is no cluster.json', async () => {
    await assert.rejects(
      openKubeAccess({ clusterDir: join(dir, 'nowhere'), forward }),
      /--cluster-dir: no cluster.json in .*nowhere.*cluster up/,
    );
    assert.equal(forwards.length, 0);
  });

  it('collects the cluster artifacts into <runDir>/cluster with the forwarded proxy control URL', async () => {
    const calls: { dir: string; options: ArtifactOptions; server?: string }[] = [];
    const runDir = join(dir, 'run-1');
    // Stands in for collectClusterArtifacts' API calls; the directory and options are what is checked.
    const index = await collectKubeArtifacts(
      { kubeconfig: join(dir, 'kubeconfig'), kube: { proxyControlUrl: 'http://127.0.0.1:40001' } },
      runDir,
      async (kubeConfig, out, options) => {
        calls.push({ dir: out, options, server: kubeConfig.getCurrentCluster()?.server });
        return { files: ['index.json'], errors: [] };
      },
    );
    assert.deepEqual(calls, [
      {
        dir: join(runDir, 'cluster'),
        options: { proxyControlUrl: 'http://127.0.0.1:40001' },
        server: 'https://127.0.0.1:1',
      },
    ]);
    assert.equal(index.dir, join(runDir, 'cluster'));
    const broken = await collectKubeArtifacts({ kubeconfig: join(dir, 'missing'), kube: {} }, runDir);
    assert.equal(broken.files.length, 0);
    assert.match(broken.errors[0]?.error ?? '', /--kubeconfig: cannot load/);
  });
});
