// noop: selects requests and counts them (`matched`, `applied`), and changes nothing. The smallest rule,
// the template for a new one, and a probe that shows whether a selector sees the traffic, as Toxiproxy's
// NoopToxic does for its toxics.
import type { z } from 'zod';
import { ruleObject } from './fields.js';
import { registerRule, type Rule } from './rule.js';

export const noopSchema = ruleObject('noop', {});
export type NoopRule = z.infer<typeof noopSchema>;

declare module '../types.js' {
  interface RuleSpecs {
    noop: NoopRule;
  }
}

export class NoopFault implements Rule<NoopRule> {
  constructor(readonly spec: NoopRule) {}

  apply(): void {}
}

registerRule({ type: 'noop', schema: noopSchema, create: (spec) => new NoopFault(spec) });
