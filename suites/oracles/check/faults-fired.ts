// faults-fired: every fault the schedule planned actually did something (docs/design.md#a-fault-that-did-nothing-is-not-a-pass). Faults are
// grouped by origin (`rule:<name>`, `trigger:<name>`, `sync-hammer`, from the rule event's `reason` or the
// nemesis op's `value.origin`): an origin fired when one of its proxy rules applied to a request (counters
// or a `fault` event) or one of its cluster-fault ops completed ok. A planned origin that never fired, or
// never even armed (the runner's "planned faults" log line), is unknown: not a pass. Never false: a fault
// that did not fire says nothing about Longhorn.
import type { FaultClass, HistoryEvent } from '../../../record/index.js';
import type { Finding, FinishContext, StreamingChecker } from './checker.js';

const NAME = 'faults-fired';

interface Origin {
  name: string;
  planned: boolean;
  evidence: number[];
  /** Why it did not fire yet, one line per rule or op. */
  misses: string[];
  fired: number;
}

interface ArmedRule {
  origin: Origin;
  name: string;
  type: string;
  addedId: number;
  lastId: number;
  counters?: { matched: number; applied: number };
  faultEvents: number;
  removed: boolean;
}

export class FaultsFired implements StreamingChecker {
  readonly names = [NAME];
  // Every planned fault eventually fired (never false, so the runner never has to soften it).
  readonly property = 'liveness';
  private readonly origins = new Map<string, Origin>();
  private readonly rules: ArmedRule[] = [];
  private readonly current = new Map<string, ArmedRule>();
  private readonly ops = new Map<number, { origin: Origin; f: string; invokeId: number }>();

  constructor(private readonly faultClass: FaultClass) {}

  observe(event: HistoryEvent): void {
    if (event.type === 'log' && event.source === 'schedule' && Array.isArray(event.fields?.planned)) {
      for (const name of event.fields.planned) if (typeof name === 'string') this.origin(name).planned = true;
    } else if (event.type === 'rule') {
      let rule = this.current.get(event.rule.name);
      if (event.action === 'add' || !rule || rule.removed) {
        const origin = this.origin(
          /^((?:rule|trigger):[^:]+)/.exec(event.reason ?? '')?.[1] ?? `rule:${event.rule.name}`,
        );
        rule = {
          origin,
          name: event.rule.name,
          type: event.rule.type,
          addedId: event.id,
          lastId: event.id,
          faultEvents: 0,
          removed: false,
        };
        this.rules.push(rule);
        this.current.set(rule.name, rule);
      }
      rule.lastId = event.id;
      if (event.counters) rule.counters = event.counters;
      if (event.action === 'remove' || event.action === 'expired') rule.removed = true;
    } else if (event.type === 'fault') {
      const named = [
        event.decision.rule,
        ...(Array.isArray(event.decision.rules) ? event.decision.rules : []),
      ];
      for (const name of new Set(named)) {
        const rule = typeof name === 'string' ? this.current.get(name) : undefined;
        if (rule) rule.faultEvents++;
      }
    } else if (event.type === 'op' && event.process === 'nemesis') {
      if (event.phase === 'invoke') {
        const declared = (event.value as { origin?: unknown } | undefined)?.origin;
        const origin = this.origin(typeof declared === 'string' ? declared : event.f);
        origin.evidence.push(event.id);
        this.ops.set(event.opId, { origin, f: event.f, invokeId: event.id });
        return;
      }
      const op = this.ops.get(event.opId);
      if (!op) return;
      this.ops.delete(event.opId);
      if (event.phase === 'ok') op.origin.fired++;
      else
        op.origin.misses.push(
          `${op.f} ${event.phase === 'fail' ? 'failed' : 'had an indeterminate outcome'}${event.error ? ` (${event.error})` : ''} [events ${op.invokeId}, ${event.id}]`,
        );
    }
  }

  finish(_context: FinishContext): Finding[] {
    for (const rule of this.rules) {
      const applied = Math.max(rule.counters?.applied ?? 0, rule.faultEvents);
      rule.origin.evidence.push(rule.addedId, rule.lastId);
      if (applied > 0) {
        rule.origin.fired += applied;
        continue;
      }
      const counted = rule.counters
        ? `applied 0 requests (matched ${rule.counters.matched})`
        : 'reported no counters and no fault decisions';
      rule.origin.misses.push(
        `rule ${rule.name} (${rule.type}) ${counted}${rule.removed ? '' : ' and was still armed at the end'}`,
      );
    }
    for (const op of this.ops.values())
      op.origin.misses.push(`${op.f} never completed [event ${op.invokeId}]`);
    const findings: Finding[] = [];
    for (const origin of this.origins.values()) {
      if (origin.fired > 0) continue;
      const why = origin.misses.length > 0 ? origin.misses.join('; ') : 'planned but never armed';
      findings.push({
        name: NAME,
        valid: 'unknown',
        severity: 'error',
        message: `planned fault ${origin.name} never fired: ${why}`,
        evidence: [...new Set(origin.evidence)],
        subject: origin.name,
      });
    }
    if (findings.length > 0) return findings;
    if (this.origins.size === 0) {
      return this.faultClass === 'none'
        ? [{ name: NAME, valid: true, severity: 'error', message: 'no faults were planned', evidence: [] }]
        : [
            {
              name: NAME,
              valid: 'unknown',
              severity: 'error',
              message: `fault class ${this.faultClass}, but no fault was planned, armed or run`,
              evidence: [],
            },
          ];
    }
    const summary = [...this.origins.values()].map((o) => `${o.name}: ${o.fired}`);
    return [
      {
        name: NAME,
        valid: true,
        severity: 'error',
        message: `every planned fault fired (applications per fault: ${summary.join(', ')})`,
        evidence: [],
      },
    ];
  }

  private origin(name: string): Origin {
    let origin = this.origins.get(name);
    if (!origin) {
      origin = { name, planned: false, evidence: [], misses: [], fired: 0 };
      this.origins.set(name, origin);
    }
    return origin;
  }
}
