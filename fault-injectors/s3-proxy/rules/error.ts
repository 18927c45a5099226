// error: refuses a request with an S3 XML error (default SlowDown 503), a connection reset, or a hang that
// lasts until the client gives up. The request is never forwarded, so the store is never half-changed.
import { z } from 'zod';
import { S3_ERROR_CODES } from '../types.js';
import { nonNegative, ruleObject } from './fields.js';
import { registerRule, type RequestPlan, type Rule } from './rule.js';

export const errorSchema = ruleObject('error', {
  /** `response`: an S3 XML error body; `reset`: the connection is destroyed; `hang`: no answer until the client gives up. */
  mode: z.enum(['response', 'reset', 'hang']).optional(),
  code: z.enum(S3_ERROR_CODES).optional(),
  retryAfterSec: nonNegative.optional(),
});
export type ErrorRule = z.infer<typeof errorSchema>;

declare module '../types.js' {
  interface RuleSpecs {
    error: ErrorRule;
  }
}

export class ErrorFault implements Rule<ErrorRule> {
  constructor(readonly spec: ErrorRule) {}

  apply(_request: unknown, plan: RequestPlan): void {
    const mode = this.spec.mode ?? 'response';
    if (mode === 'response') {
      plan.refuse(this.spec.name, {
        kind: 'error',
        code: this.spec.code ?? 'SlowDown',
        retryAfterSec: this.spec.retryAfterSec,
      });
    } else {
      plan.refuse(this.spec.name, { kind: mode });
    }
  }
}

registerRule({ type: 'error', schema: errorSchema, create: (spec) => new ErrorFault(spec) });
