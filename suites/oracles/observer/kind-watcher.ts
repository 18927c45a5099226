// One kind's list+watch with its own cache: records every watch event; on 410, errors (with 1 s -> 30 s
// backoff) and when the watchdog's relist finds the cache behind, it relists, records a `gap` from the last
// known-good moment to the resumption, then the differences as `relist` events, and watches again.
import type { KubeConfig } from '@kubernetes/client-node';
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import type { Clock } from '../../../common/index.js';
import { LONGHORN_GROUP, LONGHORN_VERSION, PLURALS } from '../../../fixtures/crds/index.js';
import type { History } from '../../harness/index.js';
import type { ObservedObject, WatchedKind } from '../../../record/index.js';
import { compareRV, keyOf, toObserved } from './objects.js';

export interface KindWatcherOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  kind: WatchedKind;
  history: History;
  clock: Clock;
  labelSelector?: string;
  /** How long a relist waits for a lagging watch to catch up before calling it dead. */
  catchUpMs: number;
  backoff: { initialMs: number; maxMs: number };
  /** Stops backoff sleeps when the observer stops. */
  signal: AbortSignal;
  countRequest(kind: 'list' | 'watch'): void;
}

export interface KindStats {
  events: number;
  relistDifferences: number;
  gaps: number;
  restarts: number;
}

interface Listed {
  resourceVersion: string;
  items: Map<string, ObservedObject>;
}

export class KindWatcher {
  readonly stats: KindStats = { events: 0, relistDifferences: 0, gaps: 0, restarts: 0 };
  private readonly api: CustomObjectsApi;
  private readonly watch: Watch;
  private cache = new Map<string, ObservedObject>();
  private resourceVersion = '';
  private generation = 0;
  private controller: AbortController | undefined;
  /** History `t` until which we know the cache saw everything (last event, verified relist, watch start). */
  private lastGoodT = 0;
  /** Monotonic time of the last sign of life from the watch (event or bookmark or start). */
  lastHeard = 0;
  lastChecked = 0;
  private busy: Promise<void> = Promise.resolve();
  private catchUpWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly options: KindWatcherOptions) {
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.watch = new Watch(options.kubeConfig);
  }

  /** Initial list (recorded as ADDED relist events, the starting picture) and the first watch. */
  async start(): Promise<void> {
    this.lastChecked = this.options.clock.monotonic();
    const listed = await this.list();
    this.recordDifferences(listed);
    await this.startWatch();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.controller?.abort();
    for (const wake of this.catchUpWaiters.splice(0)) wake();
    return this.busy;
  }

  /** Watchdog: relist and compare; a watch that fell silent behind the list is replaced. */
  check(): Promise<void> {
    return this.serialize(async () => {
      const t = this.options.history.now();
      this.lastChecked = this.options.clock.monotonic();
      let listed = await this.list();
      if (this.differences(listed).length === 0) {
        this.lastGoodT = Math.max(this.lastGoodT, t);
        return;
      }
      if ((compareRV(this.resourceVersion, listed.resourceVersion) ?? -1) < 0)
        await this.waitForCatchUp(listed.resourceVersion);
      if (this.stopped || this.differences(listed).length === 0) return;
      // Still behind after the grace period: the watch missed events. Relist afresh and repair.
      listed = await this.list();
      await this.resync(
        `watch fell silent: a relist found the cache behind (resourceVersion ${this.resourceVersion} < ${listed.resourceVersion})`,
        listed,
      );
    });
  }

  /** Exported for testing: the watch stops delivering without any error, as in client-node#596. */
  simulateSilentDeath(): void {
    this.generation++;
  }

  /** Exported for testing: the connection breaks under the watch (as a network reset would). */
  breakConnection(): void {
    this.controller?.abort(new Error('connection reset (test)'));
  }

  /** Exported for testing: watch again from a given resourceVersion (a too-old one provokes 410). */
  rewatchFrom(resourceVersion: string): Promise<void> {
    return this.serialize(async () => {
      this.resourceVersion = resourceVersion;
      await this.startWatch();
    });
  }

  private serialize(task: () => Promise<void>): Promise<void> {
    const next = this.busy.then(() => (this.stopped ? undefined : task()));
    this.busy = next.catch(() => undefined);
    return next;
  }

  private path(): string {
    return `/apis/${LONGHORN_GROUP}/${LONGHORN_VERSION}/namespaces/${this.options.namespace}/${PLURALS[this.options.kind]}`;
  }

  private async list(): Promise<Listed> {
    this.options.countRequest('list');
    const body = (await this.api.listNamespacedCustomObject({
      group: LONGHORN_GROUP,
      version: LONGHORN_VERSION,
      namespace: this.options.namespace,
      plural: PLURALS[this.options.kind],
      ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
    })) as { metadata?: { resourceVersion?: string }; items?: unknown[] };
    const items = new Map<string, ObservedObject>();
    for (const raw of body.items ?? []) {
      const o = toObserved(raw);
      items.set(keyOf(o), o);
    }
    return { resourceVersion: body.metadata?.resourceVersion ?? '', items };
  }

  /** What a list shows that the cache does not, ignoring what the watch already saw beyond the list. */
  private differences(listed: Listed): { verb: 'ADDED' | 'MODIFIED' | 'DELETED'; object: ObservedObject }[] {
    const found: { verb: 'ADDED' | 'MODIFIED' | 'DELETED'; object: ObservedObject }[] = [];
    for (const [key, item] of listed.items) {
      const cached = this.cache.get(key);
      if (!cached) found.push({ verb: 'ADDED', object: item });
      else if (cached.metadata.resourceVersion !== item.metadata.resourceVersion) {
        const order = compareRV(cached.metadata.resourceVersion, item.metadata.resourceVersion);
        if (order === undefined || order < 0) found.push({ verb: 'MODIFIED', object: item });
      }
    }
    for (const [key, cached] of this.cache) {
      if (listed.items.has(key)) continue;
      const order = compareRV(cached.metadata.resourceVersion, listed.resourceVersion);
      if (order === undefined || order <= 0) found.push({ verb: 'DELETED', object: cached });
    }
    return found;
  }

  private recordDifferences(listed: Listed): number {
    const diffs = this.differences(listed);
    for (const { verb, object } of diffs) this.record(verb, object, 'relist');
    this.cache = new Map(listed.items);
    this.resourceVersion = listed.resourceVersion;
    this.lastGoodT = this.options.history.now();
    return diffs.length;
  }

  private record(
    verb: 'ADDED' | 'MODIFIED' | 'DELETED',
    object: ObservedObject,
    source: 'watch' | 'relist',
  ): void {
    this.stats.events++;
    if (source === 'relist') this.stats.relistDifferences++;
    const m = object.metadata;
    this.options.history.append({
      type: 'watch',
      kind: this.options.kind,
      verb,
      source,
      name: m.name,
      ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
      ...(m.uid === undefined ? {} : { uid: m.uid }),
      resourceVersion: m.resourceVersion ?? '',
      object,
    });
  }

  private async startWatch(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.controller?.abort();
    this.options.countRequest('watch');
    this.lastHeard = this.options.clock.monotonic();
    const query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
    };
    const controller = await this.watch.watch(
      this.path(),
      query,
      (phase, raw) => {
        if (generation === this.generation) this.onEvent(phase, raw);
      },
      (error) => {
        if (generation === this.generation && !this.stopped) this.onDone(error);
      },
    );
    if (generation === this.generation) this.controller = controller;
    else controller.abort();
  }

  private onEvent(phase: string, raw: unknown): void {
    this.lastHeard = this.options.clock.monotonic();
    if (phase === 'ERROR') {
      const status = raw as { code?: number; message?: string };
      this.generation++;
      const reason =
        status.code === 410
          ? `410 Gone: ${status.message ?? 'resourceVersion too old'}`
          : `watch error: ${status.message ?? JSON.stringify(raw)}`;
      void this.serialize(() => this.recover(reason));
      return;
    }
    const object = toObserved(raw);
    if (object.metadata.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
    if (phase === 'BOOKMARK') {
      this.lastGoodT = this.options.history.now();
    } else if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') {
      if (phase === 'DELETED') this.cache.delete(keyOf(object));
      else this.cache.set(keyOf(object), object);
      this.record(phase, object, 'watch');
      this.lastGoodT = this.options.history.now();
    }
    for (const wake of this.catchUpWaiters.splice(0)) wake();
  }

  private onDone(error: unknown): void {
    this.generation++;
    if (error === null || error === undefined) {
      // The server ended the watch normally (its timeout): resuming from our resourceVersion misses nothing.
      void this.serialize(() => this.startWatch()).catch((e: unknown) =>
        this.serialize(() => this.recover(`watch restart failed: ${String(e)}`)),
      );
      return;
    }
    const code = (error as { statusCode?: number }).statusCode;
    const reason =
      code === 410
        ? '410 Gone: resourceVersion too old'
        : `watch failed: ${error instanceof Error ? error.message : String(error)}`;
    void this.serialize(() => this.recover(reason));
  }

  /** Relist with backoff until it works, then resync: the gap spans the whole outage. */
  private async recover(reason: string): Promise<void> {
    let delay = this.options.backoff.initialMs;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        if (attempt > 0) await this.options.clock.sleep(delay, this.options.signal);
        await this.resync(reason, await this.list());
        return;
      } catch (error) {
        if (this.stopped) return;
        if (attempt > 0) delay = Math.min(delay * 2, this.options.backoff.maxMs);
        reason = `${reason}; retrying after ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }

  private async resync(reason: string, listed: Listed): Promise<void> {
    this.stats.gaps++;
    this.stats.restarts++;
    this.options.history.append({ type: 'gap', kind: this.options.kind, from: this.lastGoodT, reason });
    this.recordDifferences(listed);
    await this.startWatch();
  }

  private async waitForCatchUp(target: string): Promise<void> {
    const deadline = this.options.clock.monotonic() + this.options.catchUpMs;
    while (!this.stopped && (compareRV(this.resourceVersion, target) ?? -1) < 0) {
      const remaining = deadline - this.options.clock.monotonic();
      if (remaining <= 0) return;
      const abort = new AbortController();
      const woke = new Promise<void>((resolve) => this.catchUpWaiters.push(resolve));
      await Promise.race([woke, this.options.clock.sleep(remaining, abort.signal).catch(() => undefined)]);
      abort.abort();
    }
  }
}
