// Cluster faults: one name per fault, each defined once with its two implementations (the simulator's
// control endpoint in local mode, real pods in kube mode), and registered by name. The runner only sees
// `ClusterFaults.apply(name)`.
import type { V1Pod } from '@kubernetes/client-node';

/**
 * Every cluster fault's name. The file of each fault adds its own entry through declaration merging
 * (`declare module './types.js'`), so the names grow with the registry and no list here names them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the fault files
export interface ClusterFaultNames {}
export type ClusterFaultName = keyof ClusterFaultNames;

/** What one application of a cluster fault did, for the history. */
export interface ClusterFaultResult {
  fault: ClusterFaultName;
  /** What was hit: disk names, pod names. */
  targets: string[];
  /** `simulator` or `kube`. */
  via: 'simulator' | 'kube';
}

/** The cluster faults of one environment, applied by name. */
export interface ClusterFaults {
  readonly via: 'simulator' | 'kube';
  /** Applies a registered fault; `target` narrows it where the fault allows (a disk for a BIM restart). */
  apply(name: ClusterFaultName, target?: string): Promise<ClusterFaultResult>;
}

/** What a fault can do in local mode: ask the simulator's control endpoint. */
export interface SimulatorControl {
  /** POSTs `body` to `faults/<path>`; resolves to what the simulator says it hit, or `fallback`. */
  fault(path: string, body: Record<string, unknown>, fallback: string[]): Promise<string[]>;
}

/** What a fault can do in kube mode: delete pods and wait until their replacements run. */
export interface KubePods {
  /** Deletes the pods `pick` chooses (default: all) among those the selector matches; resolves to their names. */
  restart(labelSelector: string, pick?: (pods: V1Pod[]) => V1Pod[]): Promise<string[]>;
}

/** One cluster fault: its name and what it does in each environment. Each resolves to the targets it hit. */
export interface ClusterFaultDefinition<N extends ClusterFaultName = ClusterFaultName> {
  name: N;
  simulator(control: SimulatorControl, target?: string): Promise<string[]>;
  kube(pods: KubePods, target?: string): Promise<string[]>;
}
