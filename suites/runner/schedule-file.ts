// A fault schedule from a file (`lhchaos run --schedule FILE`): the rules a scenario arms, each at the
// faults phase or when a watched object enters a state, with a lag before it acts and a duration; or a
// built-in scenario with some of its faults left out. Explore writes these, shrink edits them, and every run
// made from one keeps a copy as `schedule.json` in its record, so replay and shrink can play it again.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError, writeJsonFileAtomic } from '../../common/index.js';
import { parseRule, regexSource, S3_OPERATIONS } from '../../fault-injectors/index.js';
import type { RuleSpec, S3Operation } from '../../fault-injectors/s3-proxy/types.js';
import { SCENARIOS, type ReactiveTrigger, type Scenario, type TriggerCondition } from './scenarios.js';

export const SCHEDULE_FILE = 'schedule.json';

/** One request a narrowed rule keeps: the `ordinal`-th `op` of a key matching `key` since the rule was armed. */
export interface RequestAtom {
  op: S3Operation;
  /** An anchored regular expression for the key (or listing prefix); run-specific name parts are wildcards. */
  key: string;
  /** 1-based, counted from the moment the rule was armed; absent: every such request. */
  ordinal?: number;
  /** Triggers only: a regular expression for the subject (backing image or SystemBackup) whose firing keeps it. */
  subject?: string;
}

export type ScheduleArm = 'faults' | TriggerCondition;

export interface ScheduleRule {
  /** `faults`: for the whole faults phase; else a reactive trigger (per backing image or SystemBackup). */
  arm: ScheduleArm;
  /** Milliseconds between arming and the first request the rule acts on (the rule's `startAfterMs`). */
  lagMs?: number;
  /** Milliseconds the rule stays armed; absent: until the faults phase heals. */
  forMs?: number;
  /** Triggers: at most this many firings per scenario (default 10). */
  maxFirings?: number;
  /** The proxy rule (fault-injectors/README.md "Rules"); a trigger arms it as `<name>-<subject>`. */
  rule: RuleSpec;
}

export interface ScheduleFile {
  version: 1;
  /** The scenario name in the record (random streams derive from it). */
  name: string;
  description?: string;
  /** A built-in scenario: its workload sizes, fault class and poll interval, and its faults unless `keep` says otherwise. */
  base?: string;
  /** Which of the base scenario's faults stay (absent: all of them). */
  keep?: { rules?: string[]; triggers?: string[]; syncHammer?: boolean };
  /** The time factor the milliseconds in `rules` were chosen for; a run of this schedule uses it. */
  timeFactor: number;
  faultClass?: 'benign' | 'destructive';
  backingImages?: number;
  volumesPerImage?: number;
  pollInterval?: string;
  /** The sync hammer (Longhorn seconds between target syncs), or `false` for none; absent: the base's. */
  syncHammer?: { minT: number; maxT: number } | false;
  rules: ScheduleRule[];
  /** Shrink's narrowing: per fault origin (`rule:<name>`, `trigger:<name>`), the only requests it acts on. */
  narrow?: Record<string, RequestAtom[]>;
}

const name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, 'lower-case letters, digits and -, at most 40 characters');
const trigger = z.discriminatedUnion('on', [
  z.strictObject({ kind: z.enum(['BackupBackingImage', 'SystemBackup']), on: z.literal('created') }),
  z.strictObject({
    kind: z.enum(['BackupBackingImage', 'SystemBackup']),
    on: z.literal('state'),
    state: z.string(),
  }),
]);
const atom = z.strictObject({
  op: z.enum(S3_OPERATIONS),
  key: regexSource,
  ordinal: z.number().int().positive().optional(),
  subject: regexSource.optional(),
});
const scheduleRule = z.strictObject({
  arm: z.union([z.literal('faults'), trigger]),
  lagMs: z.number().finite().nonnegative().optional(),
  forMs: z.number().finite().positive().optional(),
  maxFirings: z.number().int().positive().optional(),
  rule: z.unknown(),
});
const schema = z.strictObject({
  version: z.literal(1),
  name,
  description: z.string().optional(),
  base: z.string().optional(),
  keep: z
    .strictObject({
      rules: z.array(z.string()).optional(),
      triggers: z.array(z.string()).optional(),
      syncHammer: z.boolean().optional(),
    })
    .optional(),
  timeFactor: z.number().finite().positive(),
  faultClass: z.enum(['benign', 'destructive']).optional(),
  backingImages: z.number().int().min(1).max(8).optional(),
  volumesPerImage: z.number().int().min(1).max(4).optional(),
  pollInterval: z
    .string()
    .regex(/^\d+(ms|s|m)$/, 'a duration such as 10s')
    .optional(),
  syncHammer: z
    .union([
      z.literal(false),
      z
        .strictObject({ minT: z.number().positive(), maxT: z.number().positive() })
        .refine((h) => h.maxT >= h.minT, { message: 'maxT must not be below minT', path: ['maxT'] }),
    ])
    .optional(),
  rules: z.array(scheduleRule),
  narrow: z.record(z.string(), z.array(atom)).optional(),
});

/** The origin a rule's faults are counted under (the `faults-fired` check and shrink use the same names). */
export function ruleOrigin(rule: ScheduleRule): string {
  return rule.arm === 'faults' ? `rule:${rule.rule.name}` : `trigger:${rule.rule.name}`;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part),
    '',
  );
}

/** Validates a parsed schedule; a bad one is a UsageError naming `<where>: <field>`. */
export function parseSchedule(input: unknown, where = 'schedule'): ScheduleFile {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue
      ? [...issue.path, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0] ?? ''] : [])]
      : [];
    const message = issue?.code === 'unrecognized_keys' ? 'unknown field' : (issue?.message ?? 'invalid');
    throw new UsageError(`${where}: ${issuePath(path) || 'schedule'}: ${message}`);
  }
  const file = result.data;
  const rules: ScheduleRule[] = file.rules.map((raw, index) => {
    const parsed = parseRule(raw.rule);
    if (!parsed.ok) throw new UsageError(`${where}: rules[${index}].rule.${parsed.message}`);
    return { ...raw, rule: parsed.rule } as ScheduleRule;
  });
  const base = file.base === undefined ? undefined : SCENARIOS.find((s) => s.name === file.base);
  if (file.base !== undefined && !base) {
    throw new UsageError(
      `${where}: base: unknown scenario '${file.base}'; valid: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  }
  if (!base && file.keep) throw new UsageError(`${where}: keep: only with a base scenario`);
  const origins = new Set<string>();
  for (const [index, rule] of rules.entries()) {
    const origin = ruleOrigin(rule);
    if (origins.has(origin))
      throw new UsageError(`${where}: rules[${index}].rule.name: '${rule.rule.name}' twice`);
    origins.add(origin);
  }
  if (base) {
    const ctx = { T: 1000, timeFactor: 1, syncResolutionMs: 1000, bimT: 1000 };
    for (const kept of file.keep?.rules ?? []) {
      if (!base.rules(ctx).some((r) => r.name === kept))
        throw new UsageError(`${where}: keep.rules: '${kept}' is not a rule of ${base.name}`);
      origins.add(`rule:${kept}`);
    }
    for (const kept of file.keep?.triggers ?? []) {
      if (!base.triggers.some((t) => t.name === kept))
        throw new UsageError(`${where}: keep.triggers: '${kept}' is not a trigger of ${base.name}`);
    }
    for (const r of base.rules(ctx)) origins.add(`rule:${r.name}`);
    for (const t of base.triggers) origins.add(`trigger:${t.name}`);
  }
  for (const origin of Object.keys(file.narrow ?? {})) {
    if (!origins.has(origin)) throw new UsageError(`${where}: narrow.${origin}: no such rule or trigger`);
  }
  return { ...file, rules } as ScheduleFile;
}

/** Reads a schedule file (JSON or YAML); errors name the file and the field. */
export async function loadScheduleFile(path: string): Promise<ScheduleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--schedule: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${path}: neither JSON nor YAML (${(error as Error).message.split('\n')[0]})`);
  }
  return parseSchedule(value, path);
}

/** A rule restricted to one request (or one key): what shrink keeps of a rule's decisions. */
export function narrowRule(rule: RuleSpec, atom: RequestAtom, index: number): RuleSpec {
  const { match, probability: _probability, afterN: _afterN, maxCount: _maxCount, ...rest } = rule;
  return {
    ...rest,
    name: `${rule.name}.${index}`.slice(0, 128),
    match: {
      ...(match?.bucket !== undefined ? { bucket: match.bucket } : {}),
      operations: [atom.op],
      keyRegex: atom.key,
    },
    ...(atom.ordinal !== undefined ? { afterN: atom.ordinal - 1, maxCount: 1 } : {}),
  } as RuleSpec;
}

/** A proxy rule name for one firing: `<rule>-<subject>`, within the proxy's 128 characters. */
export function firingName(rule: string, subject: string): string {
  return `${rule}-${subject}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128);
}

function withWindow(rule: RuleSpec, lagMs: number | undefined, forMs: number | undefined): RuleSpec {
  const start = (rule.startAfterMs ?? 0) + (lagMs ?? 0);
  return {
    ...rule,
    ...(start > 0 ? { startAfterMs: start } : {}),
    ...(forMs !== undefined ? { stopAfterMs: start + forMs } : {}),
  };
}

function triggerFor(rule: ScheduleRule): ReactiveTrigger {
  const arm = rule.arm as TriggerCondition;
  return {
    name: rule.rule.name,
    when: arm,
    rule: (_ctx, subject) => ({
      ...withWindow(rule.rule, rule.lagMs, undefined),
      name: firingName(rule.rule.name, subject),
    }),
    ...(rule.forMs !== undefined ? { forMs: () => (rule.lagMs ?? 0) + (rule.forMs as number) } : {}),
    maxFirings: rule.maxFirings ?? 10,
  };
}

/** A trigger split into one trigger per kept request, each arming only its own narrowed rule. */
function narrowTrigger(trigger: ReactiveTrigger, atoms: RequestAtom[]): ReactiveTrigger[] {
  const make = trigger.rule;
  if (!make) return [trigger];
  return atoms.map((atom, index) => ({
    ...trigger,
    name: `${trigger.name}.${index}`,
    rule: (ctx, subject) => {
      if (atom.subject !== undefined && !new RegExp(atom.subject).test(subject)) return undefined;
      const full = make(ctx, subject);
      return full ? narrowRule(full, atom, index) : undefined;
    },
  }));
}

/** The scenario a schedule plays. */
export function scheduleScenario(file: ScheduleFile): Scenario {
  const base = file.base === undefined ? undefined : SCENARIOS.find((s) => s.name === file.base);
  const narrow = file.narrow ?? {};
  const keepRule = (ruleName: string) => !file.keep?.rules || file.keep.rules.includes(ruleName);
  const keepTrigger = (t: string) => !file.keep?.triggers || file.keep.triggers.includes(t);
  const phaseRules = file.rules.filter((r) => r.arm === 'faults');
  const triggers: ReactiveTrigger[] = [
    ...(base?.triggers.filter((t) => keepTrigger(t.name)) ?? []),
    ...file.rules.filter((r) => r.arm !== 'faults').map(triggerFor),
  ].flatMap((t) => (narrow[`trigger:${t.name}`] ? narrowTrigger(t, narrow[`trigger:${t.name}`] ?? []) : [t]));
  const hammer =
    file.syncHammer === false
      ? undefined
      : (file.syncHammer ?? (file.keep?.syncHammer === false ? undefined : base?.syncHammer));
  const faultClass = file.faultClass ?? base?.faultClass ?? 'benign';
  return {
    name: file.name,
    description:
      file.description ??
      (base ? `${base.name}, shrunk: ${base.description}` : 'a fault schedule from a file'),
    faultClass,
    rules: (ctx) =>
      [
        ...(base?.rules(ctx).filter((r) => keepRule(r.name)) ?? []),
        ...phaseRules.map((r) => withWindow(r.rule, r.lagMs, r.forMs)),
      ].flatMap((rule) => {
        const atoms = narrow[`rule:${rule.name}`];
        return atoms ? atoms.map((atom, index) => narrowRule(rule, atom, index)) : [rule];
      }),
    triggers,
    ...(hammer ? { syncHammer: hammer } : {}),
    ...((file.pollInterval ?? base?.pollInterval)
      ? { pollInterval: file.pollInterval ?? base?.pollInterval }
      : {}),
    backingImages: file.backingImages ?? base?.backingImages ?? 2,
    volumesPerImage: file.volumesPerImage ?? base?.volumesPerImage ?? 1,
    ...(base?.concurrentVolumeBackups ? { concurrentVolumeBackups: true } : {}),
  };
}

/** Keeps the schedule with the run record it made, for replay and shrink. */
export async function writeScheduleRecord(runDir: string, schedule: ScheduleFile): Promise<void> {
  await writeJsonFileAtomic(join(runDir, SCHEDULE_FILE), schedule);
}

/** The schedule a run record was made from, or undefined for a run of named scenarios. */
export async function readScheduleRecord(runDir: string): Promise<ScheduleFile | undefined> {
  const path = join(runDir, SCHEDULE_FILE);
  try {
    await access(path);
  } catch {
    return undefined;
  }
  return loadScheduleFile(path);
}
