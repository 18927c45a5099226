// Replay of a recorded run (prior-art 5.6): the proxy's acting decisions from faults.jsonl become rules
// keyed by (operation, key, ordinal): "the n-th PutObject of this key gets a 503", armed when the same
// scenario's faults phase starts again under the same seed, which gives the same object names (records
// from before names came from the seed have their keys renamed). What it can reproduce: request-local
// faults (delays, errors, resets, hangs, throttles) on the same request of the same key. What it cannot: store-state faults (visibility lag,
// stale listings, delete lag) depend on what was written when, so those are re-armed as the original
// rules (same spec, same seed) rather than per request; and the timing of Longhorn's own controllers is
// not recorded, so a race that depended on a particular interleaving may or may not happen again. A
// replayed rule that never fires makes the verdict unknown, which says exactly that.
import { readDecisions, readHistory, readMeta, type DecisionLine } from '../../record/index.js';
import type { RuleSpec, S3ErrorCode, S3Operation } from '../../fault-injectors/s3-proxy/types.js';
import { runIdTag } from '../workloads/index.js';

export interface ReplayPlan {
  source: string;
  /** Rules to arm at each scenario's faults phase, in place of the scenario's own rules. */
  rulesByScenario: Map<string, RuleSpec[]>;
  /** What was replayed per request, what was re-armed as a rule, what was dropped. */
  notes: string[];
}

const REQUEST_LOCAL = new Set(['delay', 'error', 'reset', 'hang', 'throttle']);
const CODE_BY_STATUS: Record<number, S3ErrorCode> = {
  503: 'SlowDown',
  500: 'InternalError',
  404: 'NoSuchKey',
  403: 'AccessDenied',
};
/** Beyond this many per-request rules a scenario's faults are re-armed as the original rules instead. */
export const MAX_REPLAY_RULES = 400;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A key as a regex; volume directories are hashed from the (renamed) volume name, so they match any hash. */
export function keyPattern(key: string): string {
  return `^${escapeRegex(key).replace(/volumes\/[0-9a-f]{2}\/[0-9a-f]{2}\//g, 'volumes/[0-9a-f]{2}/[0-9a-f]{2}/')}$`;
}

function ruleFor(
  decision: DecisionLine,
  n: number,
  ordinal: number,
  key: string,
  original: Record<string, unknown> | undefined,
): RuleSpec | undefined {
  const base = {
    name: `replay-${n}`,
    match: { operations: [decision.op as S3Operation], keyRegex: keyPattern(key) },
    afterN: ordinal - 1,
    maxCount: 1,
  };
  switch (decision.action) {
    case 'delay':
      return {
        ...base,
        type: 'latency',
        delayMs: Number(decision.delayMs ?? 0),
        distribution: { type: 'fixed' },
      };
    case 'error':
      return {
        ...base,
        type: 'error',
        mode: 'response',
        code: CODE_BY_STATUS[Number(decision.status)] ?? 'InternalError',
      };
    case 'reset':
      return { ...base, type: 'error', mode: 'reset' };
    case 'hang':
      return { ...base, type: 'error', mode: 'hang' };
    case 'throttle':
      return { ...base, type: 'throttle', bytesPerSecond: Number(original?.bytesPerSecond ?? 65536) };
    default:
      return undefined;
  }
}

/**
 * Reads a run record and plans the replay for a new run whose object names carry `newTag`. A replay runs
 * with the recorded seed, so the tags are equal, except for records whose names came from the run id.
 */
export async function buildReplayRules(runDir: string, newTag: string): Promise<ReplayPlan> {
  const meta = await readMeta(runDir);
  const oldTag = meta.nameTag ?? runIdTag(meta.runId);
  const rename = (key: string) => key.split(oldTag).join(newTag);
  // Fault windows per scenario (epoch ms) and the rules each one armed.
  const windows: { scenario: string; from: number; to: number }[] = [];
  const specs = new Map<string, { scenario: string; rule: Record<string, unknown> }>();
  for await (const event of readHistory(runDir)) {
    if (event.type === 'phase' && event.name === 'faults' && event.scenario) {
      windows.push({ scenario: event.scenario, from: event.ts, to: Number.POSITIVE_INFINITY });
    }
    if (event.type === 'phase' && event.name === 'heal' && event.scenario) {
      const open = windows.findLast((w) => w.scenario === event.scenario);
      if (open) open.to = event.ts;
    }
    if (event.type === 'rule' && event.action === 'add' && event.scenario && !specs.has(event.rule.name)) {
      specs.set(event.rule.name, { scenario: event.scenario, rule: event.rule });
    }
  }
  const rulesByScenario = new Map<string, RuleSpec[]>();
  const rearmed = new Map<string, Set<string>>();
  const ordinals = new Map<string, number>();
  const notes: string[] = [];
  let n = 0;
  let dropped = 0;
  for await (const decision of readDecisions(runDir)) {
    const window = windows.find((w) => decision.ts >= w.from && decision.ts <= w.to);
    if (!window) continue;
    const key = rename(String(decision.key ?? decision.prefix ?? ''));
    const slot = `${window.scenario}\u0000${decision.op}\u0000${key}`;
    const ordinal = (ordinals.get(slot) ?? 0) + 1;
    ordinals.set(slot, ordinal);
    if (decision.action === 'pass' || decision.action === 'upstream-error') continue;
    const original = decision.rule ? specs.get(decision.rule)?.rule : undefined;
    const list = rulesByScenario.get(window.scenario) ?? [];
    rulesByScenario.set(window.scenario, list);
    if (REQUEST_LOCAL.has(decision.action) && list.length < MAX_REPLAY_RULES) {
      const rule = ruleFor(decision, ++n, ordinal, key, original);
      if (rule) list.push(rule);
      continue;
    }
    if (!original) {
      dropped++;
      continue;
    }
    const seen = rearmed.get(window.scenario) ?? new Set<string>();
    rearmed.set(window.scenario, seen);
    if (!seen.has(String(original.name))) {
      seen.add(String(original.name));
      // Same spec, with the old run's object names renamed in its selectors.
      list.push(JSON.parse(rename(JSON.stringify(original))) as RuleSpec);
    }
  }
  for (const [scenario, list] of rulesByScenario) {
    const perRequest = list.filter((r) => r.name.startsWith('replay-')).length;
    const names = [...(rearmed.get(scenario) ?? [])];
    notes.push(
      `${scenario}: ${perRequest} request-local decision(s) replayed by (op, key, ordinal)` +
        (names.length ? `; store-state rule(s) re-armed as recorded: ${names.join(', ')}` : ''),
    );
  }
  if (dropped > 0) notes.push(`${dropped} acting decision(s) had no recorded rule and were dropped`);
  return { source: runDir, rulesByScenario, notes };
}
