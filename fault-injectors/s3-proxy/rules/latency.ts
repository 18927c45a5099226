// latency: delays a request before it is forwarded, or its response before it is returned.
import { z } from 'zod';
import type { SeededRandom } from '../../../common/index.js';
import { nonNegative, ruleObject } from './fields.js';
import { registerRule, type RequestPlan, type Rule } from './rule.js';

const distribution = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixed') }),
  z.strictObject({ type: z.literal('uniform') }),
  z.strictObject({ type: z.literal('normal'), stddevMs: nonNegative }),
  z.strictObject({ type: z.literal('exponential') }),
]);

export const latencySchema = ruleObject('latency', {
  delayMs: nonNegative,
  /** Uniform jitter in [-jitterMs, +jitterMs] added to delayMs (for the fixed/uniform distributions). */
  jitterMs: nonNegative.optional(),
  distribution: distribution.optional(),
  /** Delay before forwarding the request (default) or before returning the response. */
  phase: z.enum(['request', 'response']).optional(),
}).refine((r) => (r.jitterMs ?? 0) <= r.delayMs, {
  message: 'jitterMs must not exceed delayMs',
  path: ['jitterMs'],
});
export type LatencyRule = z.infer<typeof latencySchema>;

declare module '../types.js' {
  interface RuleSpecs {
    latency: LatencyRule;
  }
}

export class LatencyFault implements Rule<LatencyRule> {
  constructor(readonly spec: LatencyRule) {}

  apply(_request: unknown, plan: RequestPlan, random: SeededRandom): void {
    const delayMs = this.draw(random);
    if (this.spec.phase === 'response') plan.responseDelayMs += delayMs;
    else plan.requestDelayMs += delayMs;
    plan.effects.push({ rule: this.spec.name, action: 'delay', delayMs });
  }

  /** Whole milliseconds, never negative, from the request's own stream. */
  private draw(random: SeededRandom): number {
    const { delayMs, jitterMs = 0, distribution = { type: 'fixed' } } = this.spec;
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

registerRule({
  type: 'latency',
  schema: latencySchema,
  create: (spec) => new LatencyFault(spec),
});
