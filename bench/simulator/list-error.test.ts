// The `list-error-as-empty` switch through the real fault proxy: a failing ListObjects on the
// backing-images prefix is swallowed into an empty list (Longhorn's behaviour), so the next target sync
// deletes every BBI of the target (CR-only); with the switch off the target goes unavailable instead
// and the BBIs stay. Lives in bench/ because the simulator's own tests may not import the proxy.
import assert from 'node:assert/strict';
import { startS3Proxy, type S3Proxy } from '../../fault-injectors/index.js';
import { startSimulator } from '../../fixtures/simulator/index.js';
import {
  BACKING_IMAGE_LABEL,
  BACKUP_TARGET_LABEL,
  LONGHORN_API_VERSION,
  LONGHORN_FINALIZER,
  PLURALS,
  LONGHORN_GROUP,
  LONGHORN_VERSION,
  type BackingImage,
  type BackupBackingImage,
  type BackupTarget,
} from '../../fixtures/crds/index.js';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { waitFor } from '../../test-support/wait.js';

describe('simulator: list-error-as-empty through the fault proxy', function () {
  this.timeout(120_000);
  const local = useLocalEnvironment();
  let proxy: S3Proxy | undefined;
  before(async () => {
    proxy = await startS3Proxy({ upstream: local().env.s3.endpoint, seed: 3 });
  });
  after(async () => {
    await proxy?.close();
  });

  for (const bugs of [[], ['-list-error-as-empty']]) {
    const on = bugs.length === 0;
    it(`${on ? 'on (Longhorn)' : 'off'}: a failed backing-image listing ${on ? 'deletes every BBI' : 'makes the target unavailable, BBIs kept'}`, async () => {
      const env = local().env;
      const namespace = `list-error-${on ? 'on' : 'off'}`;
      const api = local.kubeConfig().makeApiClient(CustomObjectsApi);
      const at = (plural: string) => ({
        group: LONGHORN_GROUP,
        version: LONGHORN_VERSION,
        namespace,
        plural,
      });
      const simulator = await startSimulator({
        kubeconfigPath: env.kubeconfig,
        namespace,
        s3: { ...env.s3, endpoint: proxy!.dataUrl },
        backupTargetURL: `s3://backupbucket@us-east-1/${namespace}`,
        longhorn: 'v1.9.0',
        bugs,
        seed: 11,
        timeFactor: 0.1,
      });
      const rule = `list-error-${namespace}`;
      try {
        for (const name of ['bi-a', 'bi-b']) {
          const image: BackingImage = {
            apiVersion: LONGHORN_API_VERSION,
            kind: 'BackingImage',
            metadata: { name },
            spec: {
              sourceType: 'download',
              sourceParameters: { url: `http://images.invalid/${name}` },
              minNumberOfCopies: 2,
            },
          };
          await api.createNamespacedCustomObject({ ...at(PLURALS.BackingImage), body: image });
          await waitFor(
            `${name} ready`,
            30_000,
            async () =>
              ((await api.getNamespacedCustomObject({ ...at(PLURALS.BackingImage), name })) as BackingImage)
                .status?.uuid,
          );
          const bbi: BackupBackingImage = {
            apiVersion: LONGHORN_API_VERSION,
            kind: 'BackupBackingImage',
            metadata: {
              name: `${name}-manual`,
              finalizers: [LONGHORN_FINALIZER],
              labels: { [BACKUP_TARGET_LABEL]: 'default', [BACKING_IMAGE_LABEL]: name },
            },
            spec: { backingImage: name, backupTargetName: 'default', userCreated: true },
          };
          await api.createNamespacedCustomObject({ ...at(PLURALS.BackupBackingImage), body: bbi });
        }
        const listBbis = async () =>
          (
            (await api.listNamespacedCustomObject(at(PLURALS.BackupBackingImage))) as {
              items: BackupBackingImage[];
            }
          ).items;
        await waitFor('both BBIs Completed', 30_000, async () =>
          (await listBbis()).filter((b) => b.status?.state === 'Completed' && b.status.lastSyncedAt)
            .length === 2
            ? true
            : undefined,
        );
        await proxy!.control.addRule({
          type: 'error',
          name: rule,
          match: {
            operations: ['ListObjects'],
            keyRegex: `^${namespace}/backupstore/backing-images/backing-images/$`,
          },
          code: 'InternalError',
        });
        const requested = new Date().toISOString();
        const target = (await api.getNamespacedCustomObject({
          ...at(PLURALS.BackupTarget),
          name: 'default',
        })) as BackupTarget;
        target.spec.syncRequestedAt = requested;
        await api.replaceNamespacedCustomObject({
          ...at(PLURALS.BackupTarget),
          name: 'default',
          body: target,
        });
        if (on) {
          await waitFor('every BBI deleted', 30_000, async () =>
            (await listBbis()).length === 0 ? true : undefined,
          );
        } else {
          const unavailable = await waitFor('target unavailable', 30_000, async () => {
            const t = (await api.getNamespacedCustomObject({
              ...at(PLURALS.BackupTarget),
              name: 'default',
            })) as BackupTarget;
            return t.status?.available === false ? t : undefined;
          });
          assert.match(unavailable.status?.conditions?.[0]?.message ?? '', /InternalError|500/);
          assert.equal((await listBbis()).length, 2);
        }
      } finally {
        await proxy!.control.deleteRule(rule).catch(() => undefined);
        await simulator.stop();
      }
    });
  }
});
