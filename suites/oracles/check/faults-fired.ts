// faults-fired: every fault the schedule armed actually did something (style.md lesson 4). A proxy rule
// counts as fired when its counters show applied > 0 or a `fault` event names it; a cluster fault (a
// `nemesis` op) when it completed ok. Anything else is unknown: a planned fault that never fired is not a
// pass. Never false: a fault that did not fire says nothing about Longhorn.
import type { HistoryEvent, RuleEvent } from '../../harness/index.js';
import type { FaultClass, Finding, FinishContext, StreamingChecker } from './checker.js';

const NAME = 'faults-fired';

interface ArmedRule {
  name: string;
  type: string;
  addedId: number;
  lastRuleEvent: RuleEvent;
  counters?: { matched: number; applied: number };
  faultEvents: number;
  removed: boolean;
}

interface NemesisOp {
  f: string;
  invokeId: number;
  outcome?: { phase: 'ok' | 'fail' | 'info'; id: number; error?: string };
}

export class FaultsFired implements StreamingChecker {
  readonly names = [NAME];
  private readonly rules: ArmedRule[] = [];
  private readonly current = new Map<string, ArmedRule>();
  private readonly ops = new Map<number, NemesisOp>();

  constructor(private readonly faultClass: FaultClass) {}

  observe(event: HistoryEvent): void {
    if (event.type === 'rule') {
      let rule = this.current.get(event.rule.name);
      if (event.action === 'add' || !rule || rule.removed) {
        rule = {
          name: event.rule.name,
          type: event.rule.type,
          addedId: event.id,
          lastRuleEvent: event,
          faultEvents: 0,
          removed: false,
        };
        this.rules.push(rule);
        this.current.set(rule.name, rule);
      }
      rule.lastRuleEvent = event;
      if (event.counters) rule.counters = event.counters;
      if (event.action === 'remove' || event.action === 'expired') rule.removed = true;
    } else if (event.type === 'fault') {
      const names = [
        event.decision.rule,
        ...(Array.isArray(event.decision.rules) ? event.decision.rules : []),
      ];
      for (const name of new Set(names)) {
        if (typeof name !== 'string') continue;
        const rule = this.current.get(name);
        if (rule) rule.faultEvents++;
      }
    } else if (event.type === 'op' && event.process === 'nemesis') {
      if (event.phase === 'invoke') this.ops.set(event.opId, { f: event.f, invokeId: event.id });
      else {
        const op = this.ops.get(event.opId);
        if (op && !op.outcome) {
          op.outcome = {
            phase: event.phase,
            id: event.id,
            ...(event.error === undefined ? {} : { error: event.error }),
          };
        }
      }
    }
  }

  finish(_context: FinishContext): Finding[] {
    const findings: Finding[] = [];
    for (const rule of this.rules) {
      if ((rule.counters?.applied ?? 0) > 0 || rule.faultEvents > 0) continue;
      const counted = rule.counters
        ? `applied 0 requests (matched ${rule.counters.matched})`
        : 'reported no counters and no fault decisions';
      findings.push({
        name: NAME,
        valid: 'unknown',
        severity: 'error',
        message: `planned fault rule ${rule.name} (${rule.type}) ${counted}${rule.removed ? '' : ' and was still armed at the end'}: it never fired`,
        evidence: [...new Set([rule.addedId, rule.lastRuleEvent.id])],
        subject: `rule/${rule.name}`,
      });
    }
    for (const op of this.ops.values()) {
      if (op.outcome?.phase === 'ok') continue;
      const what = !op.outcome
        ? 'never completed'
        : op.outcome.phase === 'fail'
          ? `failed${op.outcome.error ? ` (${op.outcome.error})` : ''}`
          : `has an indeterminate outcome${op.outcome.error ? ` (${op.outcome.error})` : ''}`;
      findings.push({
        name: NAME,
        valid: 'unknown',
        severity: 'error',
        message: `planned cluster fault ${op.f} ${what}: it may not have happened`,
        evidence: op.outcome ? [op.invokeId, op.outcome.id] : [op.invokeId],
        subject: `nemesis/${op.f}`,
      });
    }
    if (findings.length > 0) return findings;
    const planned = this.rules.length + this.ops.size;
    if (planned === 0) {
      return this.faultClass === 'none'
        ? [{ name: NAME, valid: true, severity: 'error', message: 'no faults were planned', evidence: [] }]
        : [
            {
              name: NAME,
              valid: 'unknown',
              severity: 'error',
              message: `fault class ${this.faultClass}, but no fault rule was armed and no cluster fault ran`,
              evidence: [],
            },
          ];
    }
    const summary = this.rules.map((r) =>
      r.counters ? `${r.name}: applied ${r.counters.applied}` : `${r.name}: ${r.faultEvents} fault decisions`,
    );
    return [
      {
        name: NAME,
        valid: true,
        severity: 'error',
        message: `all ${planned} planned faults fired (${[...summary, ...[...this.ops.values()].map((o) => `${o.f}: ok`)].join(', ')})`,
        evidence: [],
      },
    ];
  }
}
