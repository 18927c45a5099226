// Local mode: cluster faults go to the Longhorn simulator's control endpoint over HTTP, because the
// local API server has no Pods to delete.
import type { ClusterFaultResult, ClusterFaults } from './types.js';

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
  return {
    async restartBackingImageManager(disk?: string): Promise<ClusterFaultResult> {
      const answer = await post(controlUrl, 'faults/restart-backing-image-manager', disk ? { disk } : {});
      return {
        fault: 'restart-backing-image-manager',
        targets: targetsOf(answer, [disk ?? '*']),
        via: 'simulator',
      };
    },
    async restartManager(): Promise<ClusterFaultResult> {
      const answer = await post(controlUrl, 'faults/restart-manager', {});
      return { fault: 'restart-manager', targets: targetsOf(answer, ['longhorn-manager']), via: 'simulator' };
    },
  };
}
