// Every built-in rule type, registered by importing its module; plus the rule interface for new ones.
import './latency.js';
import './error.js';
import './throttle.js';
import './visibility-lag.js';
import './delete-lag.js';
import './stale-listing.js';

export * from './rule.js';
