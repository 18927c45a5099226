// latency: delays a request before it is forwarded, or its response before it is returned.
import type { LatencyRule } from '../types.js';
import { registerRule, type RequestPlan, type Rule, type RuleContext } from './rule.js';

export class LatencyFault implements Rule<LatencyRule> {
  constructor(
    readonly spec: LatencyRule,
    private readonly context: RuleContext,
  ) {}

  apply(_request: unknown, plan: RequestPlan): void {
    const delayMs = this.draw();
    if (this.spec.phase === 'response') plan.responseDelayMs += delayMs;
    else plan.requestDelayMs += delayMs;
    plan.effects.push({ rule: this.spec.name, action: 'delay', delayMs });
  }

  /** Whole milliseconds, never negative; exactly one draw per call for a given distribution. */
  private draw(): number {
    const { delayMs, jitterMs = 0, distribution = { type: 'fixed' } } = this.spec;
    const random = this.context.random;
    let value: number;
    switch (distribution.type) {
      case 'normal':
        value = random.normal(delayMs, distribution.stddevMs);
        break;
      case 'exponential':
        value = random.exponential(delayMs);
        break;
      default:
        value = jitterMs > 0 ? delayMs + random.between(-jitterMs, jitterMs) : delayMs;
    }
    return Math.max(0, Math.round(value));
  }
}

registerRule('latency', (spec, context) => new LatencyFault(spec, context));
