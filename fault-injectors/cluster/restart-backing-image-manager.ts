// restart-backing-image-manager: the backing-image-manager of one disk (or of every disk) goes away and
// comes back, losing the in-memory state of the backups it was running (docs/longhorn.md#backing-image-manager).
import { registerClusterFault } from './registry.js';
import type { V1Pod } from '@kubernetes/client-node';

export const BIM_POD_SELECTOR = 'longhorn.io/component=backing-image-manager';

declare module './types.js' {
  interface ClusterFaultNames {
    'restart-backing-image-manager': true;
  }
}

/** Picks the BIM pods for a disk: BIM pods carry the disk UUID in a label and in their name. */
export function selectBimPods(pods: V1Pod[], disk?: string): V1Pod[] {
  if (!disk) return pods;
  return pods.filter((pod) => {
    const labels = pod.metadata?.labels ?? {};
    return Object.values(labels).includes(disk) || (pod.metadata?.name ?? '').includes(disk);
  });
}

registerClusterFault({
  name: 'restart-backing-image-manager',
  simulator: (control, disk) =>
    control.fault('restart-backing-image-manager', disk ? { disk } : {}, [disk ?? '*']),
  // Deleting the pod is how Longhorn's own tests restart a component; its DaemonSet brings a new one.
  kube: (pods, disk) => pods.restart(BIM_POD_SELECTOR, (all) => selectBimPods(all, disk)),
});
