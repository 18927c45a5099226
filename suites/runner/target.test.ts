import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../common/index.js';
import { selectBimPods } from '../../fault-injectors/cluster/index.js';
import { openKubeTarget } from './target.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: https://127.0.0.1:1 }
users:
- name: u
  user: { token: t }
contexts:
- name: kind-lhchaos
  context: { cluster: c, user: u }
current-context: kind-lhchaos
`;

describe('openKubeTarget (no cluster needed to build it)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-kube-'));
    await writeFile(join(dir, 'kubeconfig'), KUBECONFIG);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const store = {
    endpoint: 'http://127.0.0.1:9000',
    accessKey: 'a',
    secretKey: 's',
    bucket: 'backupbucket',
    region: 'us-east-1',
  };

  it('targets the real Longhorn at its own speed, with the proxy and MinIO it is given', () => {
    const target = openKubeTarget({
      kubeconfig: join(dir, 'kubeconfig'),
      context: 'kind-lhchaos',
      proxyControlUrl: 'http://127.0.0.1:7070',
      store,
      longhornVersion: 'v1.9.0',
      clock: systemClock,
    });
    assert.equal(target.env, 'kube');
    assert.equal(target.timeFactor, 1);
    assert.deepEqual(target.longhorn, { version: 'v1.9.0', simulated: false });
    assert.equal(target.backupTargetURL, 's3://backupbucket@us-east-1/backupstore');
    assert.equal(target.namespace, 'longhorn-system');
  });

  it('names a context the kubeconfig does not have', () => {
    assert.throws(
      () =>
        openKubeTarget({
          kubeconfig: join(dir, 'kubeconfig'),
          context: 'nope',
          proxyControlUrl: 'http://127.0.0.1:7070',
          store,
          clock: systemClock,
        }),
      /--context/,
    );
  });

  it('picks the backing-image-manager pods of one disk', () => {
    const pod = (name: string, disk: string) => ({
      metadata: { name, labels: { 'longhorn.io/disk-uuid': disk } },
    });
    const pods = [pod('backing-image-manager-aaaa', 'd1'), pod('backing-image-manager-bbbb', 'd2')];
    assert.deepEqual(
      selectBimPods(pods, 'd2').map((p) => p.metadata?.name),
      ['backing-image-manager-bbbb'],
    );
    assert.equal(selectBimPods(pods).length, 2);
  });
});
