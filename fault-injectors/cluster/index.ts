// Cluster faults: restart a backing-image-manager, restart longhorn-manager, noop (one file each,
// registered by importing it); the two environments that apply them; the sync hammer.
import './restart-backing-image-manager.js';
import './restart-manager.js';
import './noop.js';

export type {
  ClusterFaultDefinition,
  ClusterFaultName,
  ClusterFaultResult,
  ClusterFaults,
  KubePods,
  SimulatorControl,
} from './types.js';
export { registerClusterFault, registeredClusterFaults } from './registry.js';
export { BIM_POD_SELECTOR, selectBimPods } from './restart-backing-image-manager.js';
export { MANAGER_POD_SELECTOR } from './restart-manager.js';
export { simulatorClusterFaults } from './simulator.js';
export { kubeClusterFaults } from './kube.js';
export type { KubeClusterFaultOptions } from './kube.js';
export { startSyncHammer, requestTargetSync } from './sync-hammer.js';
export type { SyncHammer, SyncHammerOptions } from './sync-hammer.js';
