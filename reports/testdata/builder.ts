// A small history builder for test records: keeps ids and clocks, shapes Longhorn-like watch events, and
// streams everything through the real RunRecordWriter (so tests exercise the same files a run writes).
import type { HistoryEvent, NewEvent, WatchedKind, RunRecordWriter } from '../../record/index.js';

export interface ObjectState {
  state: string;
  progress?: number;
  backingImage?: string;
  labels?: Record<string, string>;
}

export class HistoryBuilder {
  /** Milliseconds since the run started; advanced by the scenario script. */
  t = 0;
  private nextId = 1;
  private nextDecision = 1;
  private resourceVersion = 1000;
  private readonly uids = new Map<string, string>();

  constructor(
    private readonly writer: RunRecordWriter,
    readonly startedAtMs: number,
    private readonly scenario?: string,
  ) {}

  get eventCount(): number {
    return this.nextId - 1;
  }

  get ts(): number {
    return this.startedAtMs + this.t;
  }

  advance(ms: number): this {
    this.t += Math.round(ms);
    return this;
  }

  emit(event: NewEvent): HistoryEvent {
    const full = { ...event, id: this.nextId++, t: this.t, ts: this.ts } as HistoryEvent;
    if (this.scenario !== undefined && full.scenario === undefined) full.scenario = this.scenario;
    this.writer.append(full);
    return full;
  }

  watch(
    kind: WatchedKind,
    name: string,
    verb: 'ADDED' | 'MODIFIED' | 'DELETED',
    s: ObjectState,
  ): HistoryEvent {
    const key = `${kind}/${name}`;
    const uid = this.uids.get(key) ?? `uid-${this.uids.size + 1}`;
    this.uids.set(key, uid);
    const rv = String(++this.resourceVersion);
    const status: Record<string, unknown> = { state: s.state };
    if (s.progress !== undefined) status.progress = s.progress;
    const spec: Record<string, unknown> = {};
    if (s.backingImage !== undefined) spec.backingImage = s.backingImage;
    return this.emit({
      type: 'watch',
      kind,
      verb,
      source: 'watch',
      name,
      namespace: 'longhorn-system',
      uid,
      resourceVersion: rv,
      object: {
        metadata: {
          name,
          namespace: 'longhorn-system',
          uid,
          resourceVersion: rv,
          ...(s.labels ? { labels: s.labels } : {}),
          ...(verb === 'DELETED' ? { deletionTimestamp: new Date(this.ts).toISOString() } : {}),
        },
        spec,
        status,
      },
    });
  }

  /** One proxied S3 request: always a faults.jsonl line, and a `fault` event when a rule acted. */
  request(
    op: string,
    key: string,
    rule: string | null,
    action: string,
    extra: Record<string, unknown> = {},
  ): void {
    const decision = {
      id: this.nextDecision++,
      ts: this.ts,
      method: 'GET',
      op,
      bucket: 'backupbucket',
      key,
      rule,
      action,
      ...extra,
    };
    this.writer.appendDecision(rule === null ? decision : { ...decision, rules: [rule] });
    if (action !== 'pass') this.emit({ type: 'fault', decision });
  }
}
