// noop: a cluster fault that hits nothing, in either environment. The template for a new fault, and a way
// to exercise a schedule's cluster-fault plumbing (trigger, op, history) without touching the cluster.
import { registerClusterFault } from './registry.js';

declare module './types.js' {
  interface ClusterFaultNames {
    noop: true;
  }
}

registerClusterFault({
  name: 'noop',
  simulator: async () => [],
  kube: async () => [],
});
