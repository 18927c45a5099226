// Kube mode: the same cluster faults act on real pods. Deleting a pod is how Longhorn's own tests
// restart a component; its DaemonSet or Deployment brings a new one, which we wait for.
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Clock } from '../../common/index.js';
import { clusterFaultDefinition } from './registry.js';
import type { ClusterFaultResult, ClusterFaults, KubePods } from './types.js';

export interface KubeClusterFaultOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  clock: Clock;
  /** How long to wait for replacement pods to run; default 180 s. */
  readyTimeoutMs?: number;
}

function isRunning(pod: V1Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    !pod.metadata?.deletionTimestamp &&
    (pod.status?.containerStatuses ?? []).every((c) => c.ready)
  );
}

export function kubeClusterFaults(options: KubeClusterFaultOptions): ClusterFaults {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, clock } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;

  const list = async (labelSelector: string) =>
    (await core.listNamespacedPod({ namespace, labelSelector })).items;

  const pods: KubePods = {
    async restart(labelSelector, pick = (all) => all) {
      const before = await list(labelSelector);
      const victims = pick(before);
      if (victims.length === 0) throw new Error(`no pod matches ${labelSelector} in ${namespace}`);
      const names = victims.map((p) => p.metadata?.name ?? '');
      for (const name of names) await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
      const deadline = clock.monotonic() + readyTimeoutMs;
      for (;;) {
        const now = await list(labelSelector);
        const fresh = now.filter((p) => !names.includes(p.metadata?.name ?? '') && isRunning(p));
        if (fresh.length >= victims.length && now.every((p) => !names.includes(p.metadata?.name ?? ''))) {
          return names;
        }
        if (clock.monotonic() > deadline) {
          throw new Error(`replacements for ${names.join(', ')} not running after ${readyTimeoutMs} ms`);
        }
        await clock.sleep(1000);
      }
    },
  };

  return {
    via: 'kube',
    async apply(name, target): Promise<ClusterFaultResult> {
      const targets = await clusterFaultDefinition(name).kube(pods, target);
      return { fault: name, targets, via: 'kube' };
    },
  };
}
