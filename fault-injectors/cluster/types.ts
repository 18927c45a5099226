// Cluster faults: one name per fault, two implementations (the simulator's control endpoint in local
// mode, real pods in kube mode). The runner only sees this interface.

/** The cluster faults a schedule can name. */
export const CLUSTER_FAULTS = ['restart-backing-image-manager', 'restart-manager'] as const;
export type ClusterFaultName = (typeof CLUSTER_FAULTS)[number];

/** What one application of a cluster fault did, for the history. */
export interface ClusterFaultResult {
  fault: ClusterFaultName;
  /** What was hit: disk names, pod names. */
  targets: string[];
  /** `simulator` or `kube`. */
  via: 'simulator' | 'kube';
}

export interface ClusterFaults {
  /** Restarts the backing-image-manager of one disk (or of every disk when none is given). */
  restartBackingImageManager(disk?: string): Promise<ClusterFaultResult>;
  /** Restarts longhorn-manager (all of it: the simulated manager, or every manager pod). */
  restartManager(): Promise<ClusterFaultResult>;
}

/** Applies a cluster fault by name. */
export function applyClusterFault(
  faults: ClusterFaults,
  name: ClusterFaultName,
  target?: string,
): Promise<ClusterFaultResult> {
  switch (name) {
    case 'restart-backing-image-manager':
      return faults.restartBackingImageManager(target);
    case 'restart-manager':
      return faults.restartManager();
  }
}
