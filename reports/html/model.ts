// The data the HTML report embeds, built in one streaming pass over history.jsonl and one over faults.jsonl.
// What the charts draw is already reduced here: state changes become bands, progress keeps changes only, and
// decisions become per-rule counts in time buckets; only the events table keeps one row per event.
import {
  type CoverageFile,
  type HistoryEvent,
  type RunMeta,
  type Verdict,
  readCoverage,
  readDecisions,
  readHistory,
} from '../../record/index.js';
import { describeEventBody, resourceOf, stateOf } from '../model/describe.js';

/** Kinds drawn as state bands (design: a timeline for every SystemBackup and BackupBackingImage). */
const BAND_KINDS = new Set(['SystemBackup', 'BackupBackingImage']);
const DECISION_BUCKETS = 240;

/** [fromTs, toTs, state, progress at end or -1, ended by deletion 0/1] */
export type Segment = [number, number, string, number, number];

export interface Band {
  resource: string;
  kind: string;
  segments: Segment[];
}

export interface ReportData {
  meta: RunMeta;
  verdict: Verdict;
  start: number;
  end: number;
  bands: Band[];
  /** Per BBI: [ts, progress] at every change. */
  progress: Record<string, [number, number][]>;
  windows: {
    rule: string;
    type: string;
    from: number;
    to: number;
    reason?: string;
    applied?: number;
    matched?: number;
  }[];
  decisions: {
    total: number;
    passed: number;
    byRule: Record<string, Record<string, number>>;
    bucketStart: number;
    bucketMs: number;
    buckets: Record<string, number[]>;
  };
  phases: { name: string; ts: number }[];
  gaps: { kind: string; from: number; to: number }[];
  /** Resource names for the events table rows. */
  resources: string[];
  types: string[];
  /** Events table rows: [id, t, typeIndex, resourceIndex or -1, text]. */
  rows: [number, number, number, number, string][];
  /** Full events the checks point at, by id. */
  details: Record<number, HistoryEvent>;
  /** Where each evidence event sits on the timeline: [ts, resource]. */
  marks: Record<number, [number, string]>;
  /** coverage.json, when the record has one: drawn as a heat map. */
  coverage?: CoverageFile;
}

class BandTracker {
  readonly bands = new Map<string, Band>();
  private readonly open = new Map<string, { from: number; state: string; progress: number }>();

  observe(
    resource: string,
    kind: string,
    ts: number,
    state: string,
    progress: number,
    deleted: boolean,
  ): void {
    let band = this.bands.get(resource);
    if (!band) {
      band = { resource, kind, segments: [] };
      this.bands.set(resource, band);
    }
    const current = this.open.get(resource);
    if (current && current.state === state && !deleted) {
      current.progress = progress;
      return;
    }
    if (current) band.segments.push([current.from, ts, current.state, current.progress, deleted ? 1 : 0]);
    if (deleted) this.open.delete(resource);
    else this.open.set(resource, { from: ts, state, progress });
  }

  closeAll(end: number): void {
    for (const [resource, open] of this.open) {
      this.bands.get(resource)?.segments.push([open.from, end, open.state, open.progress, 0]);
    }
    this.open.clear();
  }
}

/** `observe` sees every event with its resource: other renderers gather what they need in the same pass. */
export async function buildReportData(
  runDir: string,
  meta: RunMeta,
  verdict: Verdict,
  observe?: (event: HistoryEvent, resource: string | undefined) => void,
): Promise<ReportData> {
  const evidence = new Set(verdict.checks.flatMap((c) => c.evidence));
  const bands = new BandTracker();
  const data: ReportData = {
    meta,
    verdict,
    start: Date.parse(meta.startedAt) || 0,
    end: 0,
    bands: [],
    progress: {},
    windows: [],
    decisions: { total: 0, passed: 0, byRule: {}, bucketStart: 0, bucketMs: 1, buckets: {} },
    phases: [],
    gaps: [],
    resources: [],
    types: [],
    rows: [],
    details: {},
    marks: {},
  };
  const resourceIndex = new Map<string, number>();
  const typeIndex = new Map<string, number>();
  const indexOf = (map: Map<string, number>, list: string[], key: string) => {
    let i = map.get(key);
    if (i === undefined) {
      i = list.length;
      list.push(key);
      map.set(key, i);
    }
    return i;
  };
  const openWindows = new Map<string, ReportData['windows'][number]>();
  let first = true;
  for await (const event of readHistory(runDir)) {
    if (first) {
      data.start = event.ts;
      first = false;
    }
    data.end = Math.max(data.end, event.ts);
    const resource = resourceOf(event);
    observe?.(event, resource);
    data.rows.push([
      event.id,
      event.t,
      indexOf(typeIndex, data.types, event.type),
      resource === undefined ? -1 : indexOf(resourceIndex, data.resources, resource),
      describeEventBody(event),
    ]);
    if (evidence.has(event.id)) {
      data.details[event.id] = event;
      if (resource !== undefined) data.marks[event.id] = [event.ts, resource];
    }
    switch (event.type) {
      case 'watch': {
        if (!BAND_KINDS.has(event.kind) || resource === undefined) break;
        const { state, progress } = stateOf(event.object);
        bands.observe(resource, event.kind, event.ts, state, progress ?? -1, event.verb === 'DELETED');
        if (progress !== undefined && event.kind === 'BackupBackingImage') {
          const points = (data.progress[resource] ??= []);
          if (points.at(-1)?.[1] !== progress) points.push([event.ts, progress]);
        }
        break;
      }
      case 'rule': {
        const name = event.rule.name;
        if (event.action === 'add' || (event.action === 'update' && !openWindows.has(name))) {
          const window: ReportData['windows'][number] = {
            rule: name,
            type: event.rule.type,
            from: event.ts,
            to: event.ts,
          };
          if (event.reason) window.reason = event.reason;
          openWindows.set(name, window);
          data.windows.push(window);
        } else if (event.action === 'remove' || event.action === 'expired') {
          const window = openWindows.get(name);
          if (window) {
            window.to = event.ts;
            if (event.counters) Object.assign(window, event.counters);
            openWindows.delete(name);
          }
        }
        break;
      }
      case 'phase':
        data.phases.push({ name: event.name, ts: event.ts });
        break;
      case 'gap':
        data.gaps.push({ kind: event.kind, from: event.ts - (event.t - event.from), to: event.ts });
        break;
      default:
        break;
    }
  }
  bands.closeAll(data.end);
  for (const window of openWindows.values()) window.to = data.end;
  data.bands = [...bands.bands.values()].sort((a, b) =>
    a.kind === b.kind
      ? (a.segments[0]?.[0] ?? 0) - (b.segments[0]?.[0] ?? 0)
      : a.kind === 'SystemBackup'
        ? -1
        : 1,
  );
  await countDecisions(runDir, data);
  const coverage = await readCoverage(runDir);
  if (coverage) data.coverage = coverage;
  return data;
}

/** Per-rule action counts and per-rule time buckets; decisions outside the history's span are clamped. */
async function countDecisions(runDir: string, data: ReportData): Promise<void> {
  const span = Math.max(1, data.end - data.start);
  const d = data.decisions;
  d.bucketStart = data.start;
  d.bucketMs = Math.max(1, Math.ceil(span / DECISION_BUCKETS));
  for await (const decision of readDecisions(runDir)) {
    d.total++;
    if (decision.rule === null) {
      d.passed++;
      continue;
    }
    const actions = (d.byRule[decision.rule] ??= {});
    actions[decision.action] = (actions[decision.action] ?? 0) + 1;
    if (decision.action === 'pass') continue;
    const counts = (d.buckets[decision.rule] ??= new Array<number>(DECISION_BUCKETS + 1).fill(0));
    const bucket = Math.min(
      DECISION_BUCKETS,
      Math.max(0, Math.floor((decision.ts - data.start) / d.bucketMs)),
    );
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
}
