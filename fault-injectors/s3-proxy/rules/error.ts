// error: refuses a request with an S3 XML error (default SlowDown 503), a connection reset, or a hang that
// lasts until the client gives up. The request is never forwarded, so the store is never half-changed.
import type { ErrorRule } from '../types.js';
import { registerRule, type RequestPlan, type Rule } from './rule.js';

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

registerRule('error', (spec) => new ErrorFault(spec));
