// The cluster-fault registry: each fault registers its definition at the bottom of its file, and both
// environments' `ClusterFaults` look faults up here, so a new fault is known once its file is imported.
import type { ClusterFaultDefinition, ClusterFaultName } from './types.js';

const registry = new Map<string, ClusterFaultDefinition>();

/** Registers a fault; returns a function that removes it again (for a test that registers its own). */
export function registerClusterFault<N extends ClusterFaultName>(
  definition: ClusterFaultDefinition<N>,
): () => void {
  const stored = definition as unknown as ClusterFaultDefinition;
  registry.set(definition.name, stored);
  return () => {
    if (registry.get(definition.name) === stored) registry.delete(definition.name);
  };
}

export function clusterFaultDefinition(name: string): ClusterFaultDefinition {
  const definition = registry.get(name);
  if (!definition) {
    throw new Error(`no cluster fault named ${name} (registered: ${registeredClusterFaults().join(', ')})`);
  }
  return definition;
}

export function registeredClusterFaults(): string[] {
  return [...registry.keys()];
}
