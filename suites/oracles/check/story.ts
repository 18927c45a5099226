// Builds literal histories that read like stories, for checker tests (Jepsen style) and for anyone who
// needs a hand-made history: `story.at(5000).bbi('bi-1-aa', 'bi-1', 'InProgress', 0)`.
import {
  ITERATION_LABEL,
  type HistoryEvent,
  type ObservedObject,
  type StoreEvent,
  type WatchedKind,
} from '../../../record/index.js';

interface Known {
  uid: string;
  object: ObservedObject;
}

export class HistoryStory {
  readonly events: HistoryEvent[] = [];
  private t = 0;
  private resourceVersion = 100;
  private uidCounter = 0;
  private readonly objects = new Map<string, Known>();

  constructor(private readonly scenario?: string) {}

  /** Moves the story's clock to `t` ms (never backwards). */
  at(t: number): this {
    if (t < this.t) throw new Error(`story time goes backwards: ${t} < ${this.t}`);
    this.t = t;
    return this;
  }

  after(ms: number): this {
    return this.at(this.t + ms);
  }

  get now(): number {
    return this.t;
  }

  get lastId(): number {
    return this.events.length;
  }

  /** ADDED the first time a kind/name is seen (or after it was deleted), MODIFIED after that. */
  watch(
    kind: WatchedKind,
    name: string,
    change: {
      spec?: Record<string, unknown>;
      status?: Record<string, unknown>;
      labels?: Record<string, string>;
      deleting?: boolean;
    },
    source: 'watch' | 'relist' = 'watch',
  ): number {
    const key = `${kind}/${name}`;
    let known = this.objects.get(key);
    const verb = known ? 'MODIFIED' : 'ADDED';
    if (!known) {
      known = {
        uid: `uid-${++this.uidCounter}`,
        object: { metadata: { name, namespace: 'longhorn-system' }, spec: {}, status: {} },
      };
      this.objects.set(key, known);
    }
    const o = known.object;
    o.metadata = {
      ...o.metadata,
      uid: known.uid,
      resourceVersion: String(++this.resourceVersion),
      labels: { ...o.metadata.labels, ...change.labels },
      ...(change.deleting ? { deletionTimestamp: new Date(this.t).toISOString() } : {}),
    };
    o.spec = { ...o.spec, ...change.spec };
    o.status = { ...o.status, ...change.status };
    return this.push({
      type: 'watch',
      kind,
      verb,
      source,
      name,
      namespace: 'longhorn-system',
      uid: known.uid,
      resourceVersion: String(this.resourceVersion),
      object: structuredClone(o),
    });
  }

  /** DELETED with the object's last state, optionally carrying labels set just before (the CR-only label). */
  remove(
    kind: WatchedKind,
    name: string,
    labels: Record<string, string> = {},
    source: 'watch' | 'relist' = 'watch',
  ): number {
    const key = `${kind}/${name}`;
    const known = this.objects.get(key);
    if (!known) throw new Error(`story: ${key} was never added`);
    this.objects.delete(key);
    const o = known.object;
    o.metadata = {
      ...o.metadata,
      labels: { ...o.metadata.labels, ...labels },
      resourceVersion: String(++this.resourceVersion),
    };
    return this.push({
      type: 'watch',
      kind,
      verb: 'DELETED',
      source,
      name,
      namespace: 'longhorn-system',
      uid: known.uid,
      resourceVersion: String(this.resourceVersion),
      object: structuredClone(o),
    });
  }

  systemBackup(name: string, state: string, iteration?: number): number {
    return this.watch('SystemBackup', name, {
      status: { state },
      ...(iteration === undefined ? {} : { labels: { [ITERATION_LABEL]: String(iteration) } }),
    });
  }

  bbi(
    name: string,
    backingImage: string,
    state: string,
    progress?: number,
    extra: { userCreated?: boolean; target?: string } = {},
  ): number {
    return this.watch('BackupBackingImage', name, {
      spec: {
        backingImage,
        backupTargetName: extra.target ?? 'default',
        userCreated: extra.userCreated ?? true,
      },
      labels: { 'backing-image': backingImage, 'backup-target': extra.target ?? 'default' },
      status: { state, ...(progress === undefined ? {} : { progress }) },
    });
  }

  backup(name: string, state: string, progress?: number): number {
    return this.watch('Backup', name, { status: { state, ...(progress === undefined ? {} : { progress }) } });
  }

  gap(kind: WatchedKind, from: number, reason = 'watch closed'): number {
    return this.push({ type: 'gap', kind, from, reason });
  }

  /** A paced-time sample: paced ms at the story's now, and the share of the interval it ended. */
  pace(pacedMs: number, share = 1): number {
    return this.push({ type: 'pace', pacedMs, share, runMs: 0, waitMs: 0 });
  }

  phase(name: 'setup' | 'baseline' | 'faults' | 'heal' | 'quiescence' | 'check' | 'teardown'): number {
    return this.push({ type: 'phase', name });
  }

  rule(
    action: 'add' | 'update' | 'remove' | 'expired',
    name: string,
    type = 'latency',
    counters?: { matched: number; applied: number },
  ): number {
    return this.push({ type: 'rule', action, rule: { name, type }, ...(counters ? { counters } : {}) });
  }

  fault(
    rule: string,
    op = 'PutObject',
    key = 'backupstore/backupstore/backing-images/backing-images/bi-1/backing-image.cfg',
  ): number {
    return this.push({
      type: 'fault',
      decision: { id: this.lastId + 1, ts: this.t, op, key, rule, action: 'delay', delayMs: 500 },
    });
  }

  /**
   * A listing of the backing-image directory as the proxy records it (a `fault` event with `listed`), answered
   * at story time `answeredAt` (default: now) and pushed now: the runner appends decisions in batches, after
   * watch events that came later. `listed` is what the answer showed, `null` for a failed answer; `hidden`
   * names the images a rule hid.
   */
  listing(answer: {
    listed: string[] | null;
    hidden?: string[];
    rule?: string;
    action?: string;
    status?: number;
    answeredAt?: number;
  }): number {
    const dir = 'backupstore/backupstore/backing-images/backing-images/';
    const durationMs = 4;
    const answeredAt = answer.answeredAt ?? this.t;
    return this.push({
      type: 'fault',
      decision: {
        id: 10_000 + this.events.length,
        ts: Date.UTC(2026, 0, 1) + answeredAt - durationMs,
        durationMs,
        op: 'ListObjects',
        prefix: dir,
        rule: answer.rule ?? null,
        action: answer.action ?? (answer.hidden?.length ? 'hide' : 'pass'),
        status: answer.status ?? (answer.listed === null ? 500 : 200),
        listed: answer.listed,
        ...(answer.hidden?.length ? { hiddenKeys: answer.hidden.map((image) => `${dir}${image}/`) } : {}),
      },
    });
  }

  nemesis(opId: number, f: string, phase: 'invoke' | 'ok' | 'fail' | 'info', error?: string): number {
    return this.push({ type: 'op', process: 'nemesis', opId, f, phase, ...(error ? { error } : {}) });
  }

  /** A store read: backing image name -> its cfg's CompleteTime ('' = in progress). */
  store(configs: Record<string, string>): number {
    const backingImageConfigs: StoreEvent['backingImageConfigs'] = Object.entries(configs).map(
      ([backingImage, completeTime]) => ({
        backingImage,
        key: `backupstore/backupstore/backing-images/backing-images/${backingImage}/backing-image.cfg`,
        completeTime,
      }),
    );
    return this.push({
      type: 'store',
      backingImageConfigs,
      systemBackups: [],
      objectCount: backingImageConfigs.length,
    });
  }

  /** Any other event, as given (ids and times are stamped). */
  push(event: Record<string, unknown>): number {
    const id = this.events.length + 1;
    this.events.push({
      ...event,
      id,
      t: this.t,
      ts: Date.UTC(2026, 0, 1) + this.t,
      ...(this.scenario ? { scenario: this.scenario } : {}),
    } as HistoryEvent);
    return id;
  }
}
