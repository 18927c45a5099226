// throttle: limits the bandwidth of each request body and response body it applies to (bytes per second).
import type { z } from 'zod';
import { positive, ruleObject } from './fields.js';
import { registerRule, type RequestPlan, type Rule } from './rule.js';

export const throttleSchema = ruleObject('throttle', { bytesPerSecond: positive });
export type ThrottleRule = z.infer<typeof throttleSchema>;

declare module '../types.js' {
  interface RuleSpecs {
    throttle: ThrottleRule;
  }
}

export class ThrottleFault implements Rule<ThrottleRule> {
  constructor(readonly spec: ThrottleRule) {}

  apply(_request: unknown, plan: RequestPlan): void {
    // Two throttles on one request: the slower one decides.
    plan.bytesPerSecond = Math.min(plan.bytesPerSecond ?? Infinity, this.spec.bytesPerSecond);
    plan.effects.push({ rule: this.spec.name, action: 'throttle' });
  }
}

registerRule({ type: 'throttle', schema: throttleSchema, create: (spec) => new ThrottleFault(spec) });
