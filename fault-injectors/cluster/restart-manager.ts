// restart-manager: longhorn-manager (every replica of it) restarts, and its controllers start again from
// what the API server and the store hold.
import { registerClusterFault } from './registry.js';

export const MANAGER_POD_SELECTOR = 'app=longhorn-manager';

declare module './types.js' {
  interface ClusterFaultNames {
    'restart-manager': true;
  }
}

registerClusterFault({
  name: 'restart-manager',
  simulator: (control) => control.fault('restart-manager', {}, ['longhorn-manager']),
  kube: (pods) => pods.restart(MANAGER_POD_SELECTOR),
});
