// What the observer keeps of an API object (ObservedObject: a metadata subset, spec, status), how it keys
// objects, and how resourceVersions compare (opaque strings in general; etcd's are integers).
import type { ObservedObject } from '../../../record/index.js';

interface RawObject {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string | Date;
    deletionTimestamp?: string | Date;
    labels?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

function time(v: string | Date | undefined): string | undefined {
  return v === undefined ? undefined : v instanceof Date ? v.toISOString() : v;
}

/** The recorded subset of an object; nothing else goes into the history. */
export function toObserved(raw: unknown): ObservedObject {
  const o = (raw ?? {}) as RawObject;
  const m = o.metadata ?? {};
  const metadata: ObservedObject['metadata'] = { name: m.name ?? '' };
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  if (m.uid !== undefined) metadata.uid = m.uid;
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  const created = time(m.creationTimestamp);
  if (created !== undefined) metadata.creationTimestamp = created;
  const deleting = time(m.deletionTimestamp);
  if (deleting !== undefined) metadata.deletionTimestamp = deleting;
  if (m.labels !== undefined) metadata.labels = { ...m.labels };
  if (m.finalizers !== undefined) metadata.finalizers = [...m.finalizers];
  return {
    metadata,
    ...(o.spec === undefined ? {} : { spec: o.spec }),
    ...(o.status === undefined ? {} : { status: o.status }),
  };
}

export function keyOf(o: ObservedObject): string {
  return o.metadata.uid ?? `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/**
 * Orders two resourceVersions: negative, zero, positive, or undefined when they cannot be ordered (the API
 * only promises opaque strings; the etcd-backed servers we talk to use integers).
 */
export function compareRV(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a === b) return 0;
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
