// Local mode: cluster faults go to the Longhorn simulator's control endpoint over HTTP, because the
// local API server has no Pods to delete.
import { clusterFaultDefinition } from './registry.js';
import type { ClusterFaultResult, ClusterFaults, SimulatorControl } from './types.js';

async function post(controlUrl: string, path: string, body: unknown): Promise<unknown> {
  const url = new URL(path, controlUrl.endsWith('/') ? controlUrl : `${controlUrl}/`);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`simulator control ${url.pathname} answered ${response.status}: ${text.slice(0, 200)}`);
  }
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { raw: text };
  }
}

function targetsOf(answer: unknown, fallback: string[]): string[] {
  if (answer && typeof answer === 'object') {
    for (const field of ['restarted', 'disks', 'targets']) {
      const value = (answer as Record<string, unknown>)[field];
      if (Array.isArray(value)) return value.map(String);
    }
  }
  return fallback;
}

/** Cluster faults against a simulator whose control endpoint listens at `controlUrl`. */
export function simulatorClusterFaults(controlUrl: string): ClusterFaults {
  const control: SimulatorControl = {
    fault: async (path, body, fallback) =>
      targetsOf(await post(controlUrl, `faults/${path}`, body), fallback),
  };
  return {
    via: 'simulator',
    async apply(name, target): Promise<ClusterFaultResult> {
      const targets = await clusterFaultDefinition(name).simulator(control, target);
      return { fault: name, targets, via: 'simulator' };
    },
  };
}
