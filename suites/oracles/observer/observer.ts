// startObserver: list+watch each Longhorn kind into the history, with a watchdog that relists on a timer and
// after silence, so a silently dead watch can neither fake a stall nor hide one (docs/design.md#a-stopped-watch-is-a-gap).
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../../../common/index.js';
import { UsageError } from '../../../common/index.js';
import type { History } from '../../harness/index.js';
import type { WatchedKind } from '../../../record/index.js';
import { KindWatcher, type KindStats } from './kind-watcher.js';

/** Every kind a run watches: the objects of the system backup flow, in the order the report lists them. */
export const RUN_WATCHED_KINDS: readonly WatchedKind[] = [
  'SystemBackup',
  'BackupBackingImage',
  'BackingImage',
  'BackupTarget',
  'Backup',
  'BackupVolume',
  'Volume',
];

export interface ObserverOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  kinds: readonly WatchedKind[];
  history: History;
  clock: Clock;
  /** Relist and compare every this often, even when the watch looks alive. */
  relistIntervalMs: number;
  /** Relist and compare when a kind's watch has been quiet this long. */
  silenceMs: number;
  labelSelector?: string;
  /** Reconnect backoff; default 1 s doubling to 30 s (client-node's informer uses the same). */
  backoff?: { initialMs: number; maxMs: number };
}

export interface ObserverStats {
  durationMs: number;
  requests: { list: number; watch: number; total: number };
  /** API requests per minute of observation: the bench compares this with a 1 s polling loop. */
  requestsPerMinute: number;
  events: number;
  relistDifferences: number;
  gaps: number;
  restarts: number;
  kinds: Partial<Record<WatchedKind, KindStats>>;
}

export interface Observer {
  stats(): ObserverStats;
  /** Runs the watchdog's relist check for every kind now (also what the timer does). */
  checkNow(): Promise<void>;
  /** Ends every watch and the watchdog; resolves once nothing more will be appended. */
  stop(): Promise<ObserverStats>;
  /** Exported for testing: one kind's watcher. */
  watcher(kind: WatchedKind): KindWatcher | undefined;
}

function validate(options: ObserverOptions): void {
  if (options.kinds.length === 0) throw new UsageError('observer kinds: at least one kind is needed');
  for (const field of ['relistIntervalMs', 'silenceMs'] as const) {
    if (!(options[field] > 0))
      throw new UsageError(`observer ${field} must be positive, got ${options[field]}`);
  }
}

/** Lists every kind (recorded as the starting picture), starts the watches, then returns. */
export async function startObserver(options: ObserverOptions): Promise<Observer> {
  validate(options);
  const { clock } = options;
  const abort = new AbortController();
  const requests = { list: 0, watch: 0 };
  const startedAt = clock.monotonic();
  const watchers = new Map<WatchedKind, KindWatcher>();
  for (const kind of new Set(options.kinds)) {
    watchers.set(
      kind,
      new KindWatcher({
        kubeConfig: options.kubeConfig,
        namespace: options.namespace,
        kind,
        history: options.history,
        clock,
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        catchUpMs: Math.min(2000, options.silenceMs),
        backoff: options.backoff ?? { initialMs: 1000, maxMs: 30_000 },
        signal: abort.signal,
        countRequest: (what) => requests[what]++,
      }),
    );
  }
  try {
    await Promise.all([...watchers.values()].map((w) => w.start()));
  } catch (error) {
    abort.abort();
    await Promise.all([...watchers.values()].map((w) => w.stop()));
    throw error;
  }

  const checkNow = async () => {
    await Promise.all([...watchers.values()].map((w) => w.check().catch(() => undefined)));
  };
  // The watchdog ticks often enough to notice silence; each kind relists only when due.
  const tickMs = Math.max(100, Math.min(options.relistIntervalMs, options.silenceMs) / 4);
  const watchdog = (async () => {
    while (!abort.signal.aborted) {
      try {
        await clock.sleep(tickMs, abort.signal);
      } catch {
        return;
      }
      const now = clock.monotonic();
      await Promise.all(
        [...watchers.values()]
          .filter(
            (w) =>
              now - w.lastChecked >= options.relistIntervalMs ||
              // Silence brings the relist forward, but at most once per silence period.
              (now - w.lastHeard >= options.silenceMs && now - w.lastChecked >= options.silenceMs),
          )
          .map((w) => w.check().catch(() => undefined)),
      );
    }
  })();

  const stats = (): ObserverStats => {
    const durationMs = clock.monotonic() - startedAt;
    const total = requests.list + requests.watch;
    const kinds: Partial<Record<WatchedKind, KindStats>> = {};
    let events = 0;
    let relistDifferences = 0;
    let gaps = 0;
    let restarts = 0;
    for (const [kind, w] of watchers) {
      kinds[kind] = { ...w.stats };
      events += w.stats.events;
      relistDifferences += w.stats.relistDifferences;
      gaps += w.stats.gaps;
      restarts += w.stats.restarts;
    }
    return {
      durationMs,
      requests: { ...requests, total },
      requestsPerMinute: durationMs > 0 ? (total * 60_000) / durationMs : 0,
      events,
      relistDifferences,
      gaps,
      restarts,
      kinds,
    };
  };

  let stopping: Promise<ObserverStats> | undefined;
  return {
    stats,
    checkNow,
    watcher: (kind) => watchers.get(kind),
    stop: () => {
      stopping ??= (async () => {
        abort.abort();
        await Promise.all([...watchers.values()].map((w) => w.stop()));
        await watchdog;
        return stats();
      })();
      return stopping;
    },
  };
}
