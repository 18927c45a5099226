// Every built-in rule type, registered by importing its module (one line per type); plus the rule
// interface, the registry and the common fields for new ones.
import './latency.js';
import './error.js';
import './throttle.js';
import './visibility-lag.js';
import './delete-lag.js';
import './stale-listing.js';
import './noop.js';

export * from './rule.js';
export { nonNegative, positive, ruleObject } from './fields.js';
