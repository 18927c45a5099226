// What shrink can take away from a failing run: its fault parts (each schedule rule, each of a base
// scenario's rules and triggers, the sync hammer), and within a rule its decisions, as requests
// (operation, key pattern, ordinal since the rule was armed: the keys of replay, `runner/replay.ts`, with
// every run-specific part of a name turned into a wildcard so that the next run's objects match).
import {
  readDecisions,
  readHistory,
  readMeta,
  type DecisionLine,
  type HistoryEvent,
  type RunMeta,
} from '../../../record/index.js';
import {
  readScheduleRecord,
  scenarioByName,
  type RequestAtom,
  type ScheduleFile,
} from '../../runner/index.js';

export const SYNC_HAMMER = 'sync-hammer';

export interface ShrinkSource {
  runDir: string;
  meta: RunMeta;
  /** The schedule the failing scenario played (a base-scenario schedule for a run of a named scenario). */
  schedule: ScheduleFile;
  scenario: string;
}

/** The schedule of one scenario of a record: its own schedule.json, or the named scenario as a base. */
export async function shrinkSource(runDir: string, scenario: string | undefined): Promise<ShrinkSource> {
  const meta = await readMeta(runDir);
  const recorded = await readScheduleRecord(runDir);
  if (recorded) return { runDir, meta, schedule: recorded, scenario: recorded.name };
  const name = scenario ?? meta.scenarios[0]?.name;
  if (!name) throw new Error(`${runDir}: meta.json lists no scenario`);
  const base = scenarioByName(name);
  return {
    runDir,
    meta,
    scenario: name,
    schedule: { version: 1, name, base: base.name, timeFactor: meta.timeFactor, rules: [] },
  };
}

/** The fault parts of a schedule, by origin (`rule:<name>`, `trigger:<name>`, `sync-hammer`). */
export function scheduleUnits(schedule: ScheduleFile): string[] {
  const units = schedule.rules.map((r) =>
    r.arm === 'faults' ? `rule:${r.rule.name}` : `trigger:${r.rule.name}`,
  );
  if (schedule.base) {
    const base = scenarioByName(schedule.base);
    const ctx = { T: 1000, timeFactor: 1, syncResolutionMs: 1000, bimT: 1000 };
    for (const r of base.rules(ctx))
      if (!schedule.keep?.rules || schedule.keep.rules.includes(r.name)) units.push(`rule:${r.name}`);
    for (const t of base.triggers)
      if (!schedule.keep?.triggers || schedule.keep.triggers.includes(t.name))
        units.push(`trigger:${t.name}`);
    const hammer =
      schedule.syncHammer === undefined
        ? schedule.keep?.syncHammer !== false && base.syncHammer
        : schedule.syncHammer;
    if (hammer) units.push(SYNC_HAMMER);
  } else if (schedule.syncHammer) units.push(SYNC_HAMMER);
  return units;
}

/** The schedule with only `kept` of its parts (and, per part, only the requests in `narrow`). */
export function scheduleWith(
  schedule: ScheduleFile,
  kept: readonly string[],
  narrow: Record<string, RequestAtom[]> = {},
): ScheduleFile {
  const keep = new Set(kept);
  const out: ScheduleFile = {
    ...schedule,
    rules: schedule.rules.filter((r) =>
      keep.has(r.arm === 'faults' ? `rule:${r.rule.name}` : `trigger:${r.rule.name}`),
    ),
  };
  if (schedule.base) {
    const units = scheduleUnits(schedule);
    out.keep = {
      rules: units
        .filter(
          (u) =>
            u.startsWith('rule:') && keep.has(u) && !schedule.rules.some((r) => `rule:${r.rule.name}` === u),
        )
        .map((u) => u.slice(5)),
      triggers: units
        .filter(
          (u) =>
            u.startsWith('trigger:') &&
            keep.has(u) &&
            !schedule.rules.some((r) => `trigger:${r.rule.name}` === u),
        )
        .map((u) => u.slice(8)),
      syncHammer: keep.has(SYNC_HAMMER),
    };
    if (schedule.syncHammer !== undefined && !keep.has(SYNC_HAMMER)) out.syncHammer = false;
  } else if (!keep.has(SYNC_HAMMER)) out.syncHammer = false;
  const narrowed = Object.fromEntries(
    Object.entries({ ...schedule.narrow, ...narrow }).filter(([origin]) => keep.has(origin)),
  );
  if (Object.keys(narrowed).length > 0) out.narrow = narrowed;
  else delete out.narrow;
  return out;
}

/** Run-specific parts of a key or name as wildcards: object-name tokens, volume hash folders, hex ids. */
export function generalize(text: string): string {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return escaped
    .replace(/\b(bi|vol|sb)-[a-z0-9]{6}-\d+-/g, '$1-[a-z0-9]{6}-\\d+-')
    .replace(/volumes\/[0-9a-f]{2}\/[0-9a-f]{2}\//g, 'volumes/[0-9a-f]{2}/[0-9a-f]{2}/')
    .replace(/[0-9a-f]{16,}/g, '[0-9a-f]+');
}

const DELETES = new Set(['DeleteObject', 'DeleteObjects']);
const LISTINGS = new Set(['ListObjects', 'ListObjectsV2']);

/** Whether a decision is one a rule of this type chose (its own "decision"), not a later effect of it. */
function isOwnDecision(ruleType: string, decision: DecisionLine): boolean {
  // A lag marks writes (and refuses reads with hideReads); the listings it then hides follow from the marks.
  if (ruleType === 'visibility-lag') return !LISTINGS.has(decision.op);
  if (ruleType === 'delete-lag') return DELETES.has(decision.op);
  if (ruleType === 'stale-listing') return LISTINGS.has(decision.op);
  return decision.action !== 'pass';
}

interface Firing {
  ruleName: string;
  ruleType: string;
  armedTs: number;
  subject?: string;
}

/** The firings of each origin in a record: the proxy rules it armed, when, and for which subject. */
function firingsByOrigin(events: HistoryEvent[], scenario: string): Map<string, Firing[]> {
  const out = new Map<string, Firing[]>();
  for (const event of events) {
    if (event.type !== 'rule' || event.action !== 'add' || event.scenario !== scenario) continue;
    const reason = event.reason ?? '';
    const origin = reason.slice(0, reason.indexOf(': '));
    if (!origin) continue;
    const subject = / (?:BackupBackingImage|SystemBackup) (\S+) (?:created|entered)/.exec(reason)?.[1];
    const list = out.get(origin) ?? [];
    list.push({
      ruleName: event.rule.name,
      ruleType: event.rule.type,
      armedTs: event.ts,
      ...(subject ? { subject } : {}),
    });
    out.set(origin, list);
  }
  return out;
}

/** Each unit's decisions in the failing record, as requests a narrowed rule can act on again. */
export async function unitAtoms(source: ShrinkSource): Promise<Map<string, RequestAtom[]>> {
  const events: HistoryEvent[] = [];
  for await (const event of readHistory(source.runDir)) if (event.type === 'rule') events.push(event);
  const firings = firingsByOrigin(events, source.scenario);
  const decisions: DecisionLine[] = [];
  for await (const decision of readDecisions(source.runDir)) decisions.push(decision);
  decisions.sort((a, b) => a.ts - b.ts || a.id - b.id);
  const out = new Map<string, RequestAtom[]>();
  for (const [origin, list] of firings) {
    const atoms: RequestAtom[] = [];
    const seen = new Set<string>();
    for (const firing of list) {
      for (const decision of decisions) {
        if (decision.ts < firing.armedTs) continue;
        const rules = (decision.rules as string[] | undefined) ?? (decision.rule ? [decision.rule] : []);
        if (!rules.includes(firing.ruleName) || !isOwnDecision(firing.ruleType, decision)) continue;
        const subjectKey = String(decision.key ?? decision.prefix ?? '');
        const key = `^${generalize(subjectKey)}$`;
        const pattern = new RegExp(key);
        // Ordinal among the requests the narrowed rule would see: same operation, key matching the pattern.
        const ordinal = decisions.filter(
          (d) =>
            d.op === decision.op &&
            d.ts >= firing.armedTs &&
            (d.ts < decision.ts || (d.ts === decision.ts && d.id <= decision.id)) &&
            pattern.test(String(d.key ?? d.prefix ?? '')),
        ).length;
        const atom: RequestAtom = {
          op: decision.op as RequestAtom['op'],
          key,
          ordinal,
          ...(firing.subject ? { subject: `^${generalize(firing.subject)}$` } : {}),
        };
        const id = JSON.stringify(atom);
        if (seen.has(id)) continue;
        seen.add(id);
        atoms.push(atom);
      }
    }
    if (atoms.length > 0) out.set(origin, atoms);
  }
  return out;
}
