// The sync hammer: bump BackupTarget.spec.syncRequestedAt at seeded intervals, so the BackupTarget
// controller lists the store again and again while backing-image backups start (docs/longhorn.md#backuptarget-controller).
// Works the same against the local API server and a real cluster: it is a plain CR patch.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { Clock, SeededRandom } from '../../common/index.js';

export interface SyncHammerOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The BackupTarget to bump; Longhorn's is `default`. */
  target?: string;
  clock: Clock;
  random: SeededRandom;
  /** Interval between bumps, drawn uniformly in [min, max] milliseconds. */
  intervalMs: { min: number; max: number };
  /** Called after each bump (or failed bump) so the caller can record it. */
  onBump?: (bump: { n: number; syncRequestedAt: string; error?: string }) => void;
}

export interface SyncHammer {
  readonly bumps: number;
  stop(): Promise<void>;
}

/** Patches `spec.syncRequestedAt` of a BackupTarget to the given time (RFC 3339, seconds precision). */
export async function requestTargetSync(
  kubeConfig: KubeConfig,
  namespace: string,
  target: string,
  at: Date,
): Promise<string> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const syncRequestedAt = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  await api.patchNamespacedCustomObject(
    {
      group: 'longhorn.io',
      version: 'v1beta2',
      namespace,
      plural: 'backuptargets',
      name: target,
      body: { spec: { syncRequestedAt } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  return syncRequestedAt;
}

export function startSyncHammer(options: SyncHammerOptions): SyncHammer {
  if (options.intervalMs.min <= 0 || options.intervalMs.max < options.intervalMs.min) {
    throw new RangeError(
      `sync hammer intervalMs: need 0 < min <= max, got ${JSON.stringify(options.intervalMs)}`,
    );
  }
  const controller = new AbortController();
  const target = options.target ?? 'default';
  let bumps = 0;
  const loop = (async () => {
    for (;;) {
      const wait = options.random.int(options.intervalMs.min, options.intervalMs.max);
      try {
        await options.clock.sleep(wait, controller.signal);
      } catch {
        return;
      }
      bumps++;
      try {
        const at = await requestTargetSync(
          options.kubeConfig,
          options.namespace,
          target,
          new Date(options.clock.now()),
        );
        options.onBump?.({ n: bumps, syncRequestedAt: at });
      } catch (error) {
        options.onBump?.({
          n: bumps,
          syncRequestedAt: '',
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  })();
  return {
    get bumps() {
      return bumps;
    },
    async stop() {
      controller.abort(new Error('sync hammer stopped'));
      await loop;
    },
  };
}
