// Cluster faults: restart a backing-image-manager, restart longhorn-manager, hammer the target sync.
export { CLUSTER_FAULTS, applyClusterFault } from './types.js';
export type { ClusterFaultName, ClusterFaultResult, ClusterFaults } from './types.js';
export { simulatorClusterFaults } from './simulator.js';
export { kubeClusterFaults, selectBimPods, BIM_POD_SELECTOR, MANAGER_POD_SELECTOR } from './kube.js';
export type { KubeClusterFaultOptions } from './kube.js';
export { startSyncHammer, requestTargetSync } from './sync-hammer.js';
export type { SyncHammer, SyncHammerOptions } from './sync-hammer.js';
