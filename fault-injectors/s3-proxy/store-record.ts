// The proxy's own record of the store: every successful write and delete it forwarded (time, order) and the
// last metadata it saw per key. Listing rules read it to decide what a listing "should" show; it is the only
// knowledge the proxy has without credentials of its own (see README, "Hidden keys and CommonPrefixes").

export interface ObjectMeta {
  size: number;
  etag: string;
  lastModified: string;
}

export interface StoreEvent {
  kind: 'put' | 'delete';
  /** Epoch ms (injected clock) when the write/delete completed. */
  t: number;
  /** Increasing over the proxy's life: tells two events of the same millisecond apart. */
  seq: number;
}

interface KeyRecord {
  events: StoreEvent[];
  meta?: ObjectMeta;
  /** Seen as existing (written through the proxy or listed by the upstream). */
  exists: boolean;
}

export interface StoreRecordOptions {
  /** How long events are kept in full; the latest event of each key is always kept. */
  retentionMs: number;
  /** Upper bound on keys remembered, oldest-inserted dropped first. */
  maxKeys: number;
}

export class StoreRecord {
  private readonly buckets = new Map<string, Map<string, KeyRecord>>();
  private seq = 0;
  private size = 0;

  constructor(
    private readonly options: StoreRecordOptions = { retentionMs: 15 * 60_000, maxKeys: 500_000 },
  ) {}

  recordPut(bucket: string, key: string, t: number, meta?: ObjectMeta): StoreEvent {
    const entry = this.entry(bucket, key);
    const event: StoreEvent = { kind: 'put', t, seq: ++this.seq };
    this.append(entry, event);
    entry.exists = true;
    // A write without known metadata (copy, multipart) makes the old metadata wrong: forget it.
    entry.meta = meta;
    return event;
  }

  recordDelete(bucket: string, key: string, t: number): StoreEvent {
    const entry = this.entry(bucket, key);
    const event: StoreEvent = { kind: 'delete', t, seq: ++this.seq };
    this.append(entry, event);
    entry.exists = false;
    return event;
  }

  /** A listing showed this key: it exists, with this metadata (unless a later event says otherwise). */
  recordListed(bucket: string, key: string, meta: ObjectMeta): void {
    const entry = this.entry(bucket, key);
    if (entry.events.length === 0) entry.exists = true;
    if (entry.exists) entry.meta = meta;
  }

  last(bucket: string, key: string): StoreEvent | undefined {
    const events = this.buckets.get(bucket)?.get(key)?.events;
    return events?.[events.length - 1];
  }

  events(bucket: string, key: string): readonly StoreEvent[] {
    return this.buckets.get(bucket)?.get(key)?.events ?? [];
  }

  meta(bucket: string, key: string): ObjectMeta | undefined {
    return this.buckets.get(bucket)?.get(key)?.meta;
  }

  /** Keys of `bucket` starting with `prefix` (existing or with events), in no particular order. */
  *keysUnder(bucket: string, prefix: string): Iterable<string> {
    const keys = this.buckets.get(bucket);
    if (!keys) return;
    for (const key of keys.keys()) if (key.startsWith(prefix)) yield key;
  }

  /** Whether the record believes the key exists now. */
  exists(bucket: string, key: string): boolean {
    return this.buckets.get(bucket)?.get(key)?.exists ?? false;
  }

  clear(): void {
    this.buckets.clear();
    this.size = 0;
  }

  private entry(bucket: string, key: string): KeyRecord {
    let keys = this.buckets.get(bucket);
    if (!keys) this.buckets.set(bucket, (keys = new Map()));
    let entry = keys.get(key);
    if (!entry) {
      entry = { events: [], exists: false };
      keys.set(key, entry);
      if (++this.size > this.options.maxKeys) this.evictOne();
    }
    return entry;
  }

  private append(entry: KeyRecord, event: StoreEvent): void {
    entry.events.push(event);
    const horizon = event.t - this.options.retentionMs;
    while (entry.events.length > 1 && (entry.events[0] as StoreEvent).t < horizon) entry.events.shift();
  }

  private evictOne(): void {
    for (const keys of this.buckets.values()) {
      const first = keys.keys().next();
      if (!first.done) {
        keys.delete(first.value);
        this.size--;
        return;
      }
    }
  }
}
