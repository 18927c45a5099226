// One streaming pass over history.jsonl that keeps only what the text reports need: the events the verdict's
// evidence points at, and the time spans of scenarios and subjects (for JUnit `time`).
import { type HistoryEvent, type Verdict, readHistory } from '../../record/index.js';
import { resourceOf } from './describe.js';

export interface Span {
  from: number;
  to: number;
}

export interface EvidenceIndex {
  events: Map<number, HistoryEvent>;
  /** Span of `t` over the whole run, and per scenario name (events without one count for the run only). */
  run: Span | undefined;
  scenarios: Map<string, Span>;
  /** Span of `t` per `Kind/name`, for the subjects the verdict names. */
  subjects: Map<string, Span>;
}

function widen(spans: Map<string, Span>, key: string, t: number): void {
  const span = spans.get(key);
  if (span) {
    span.from = Math.min(span.from, t);
    span.to = Math.max(span.to, t);
  } else spans.set(key, { from: t, to: t });
}

/** Collects the index event by event, so the HTML pass can feed it and the history is read once. */
export class EvidenceIndexer {
  private readonly wanted: Set<number>;
  private readonly subjects: Set<string>;
  private readonly index: EvidenceIndex = {
    events: new Map(),
    run: undefined,
    scenarios: new Map(),
    subjects: new Map(),
  };

  constructor(verdict: Verdict) {
    this.wanted = new Set(verdict.checks.flatMap((check) => check.evidence));
    this.subjects = new Set(verdict.checks.flatMap((check) => (check.subject ? [check.subject] : [])));
  }

  observe(event: HistoryEvent, resource: string | undefined = resourceOf(event)): void {
    const index = this.index;
    if (this.wanted.has(event.id)) index.events.set(event.id, event);
    if (index.run) {
      index.run.from = Math.min(index.run.from, event.t);
      index.run.to = Math.max(index.run.to, event.t);
    } else index.run = { from: event.t, to: event.t };
    if (event.scenario !== undefined) widen(index.scenarios, event.scenario, event.t);
    if (resource !== undefined && this.subjects.has(resource)) widen(index.subjects, resource, event.t);
  }

  result(): EvidenceIndex {
    return this.index;
  }
}

export async function indexEvidence(runDir: string, verdict: Verdict): Promise<EvidenceIndex> {
  const indexer = new EvidenceIndexer(verdict);
  for await (const event of readHistory(runDir)) indexer.observe(event);
  return indexer.result();
}
