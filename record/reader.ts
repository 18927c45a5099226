// Reads a run record back, streaming the JSON-lines files; anything malformed or missing is a UsageError
// that names the file and the line, because a record is the input of `lhchaos report`.
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../common/index.js';
import type { CheckResult, CoverageFile, FaultClass, HistoryEvent, RunMeta, Verdict } from './shapes.js';
import { RECORD_FILES } from './files.js';

/** One proxy decision as faults.jsonl holds it (fault-injectors' DecisionRecord; only these fields are relied on). */
export type DecisionLine = {
  id: number;
  ts: number;
  op: string;
  rule: string | null;
  action: string;
  key?: string;
  bucket?: string;
} & Record<string, unknown>;

const VALIDITIES: readonly unknown[] = [true, false, 'unknown'];
const FAULT_CLASSES: readonly unknown[] = ['none', 'benign', 'destructive'] satisfies FaultClass[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function mustExist(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new UsageError(`run record is missing ${path}`);
  }
}

/** Yields each parsed line with its 1-based line number; blank lines are skipped. */
async function* jsonLines(path: string): AsyncGenerator<{ value: unknown; line: number }> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path}:${line}: not JSON (${(error as Error).message})`);
    }
    yield { value, line };
  }
}

/** The history events in order; checks the fields every event has and that ids increase. */
export async function* readHistory(runDir: string): AsyncGenerator<HistoryEvent> {
  const path = join(runDir, RECORD_FILES.history);
  await mustExist(path);
  let lastId = 0;
  let lastPace: { t: number; pacedMs: number } | undefined;
  for await (const { value, line } of jsonLines(path)) {
    const where = `${path}:${line}`;
    if (!isObject(value)) throw new UsageError(`${where}: a history event must be a JSON object`);
    if (typeof value.type !== 'string') throw new UsageError(`${where}: field "type" must be a string`);
    for (const field of ['id', 't', 'ts'] as const) {
      if (typeof value[field] !== 'number' || !Number.isFinite(value[field])) {
        throw new UsageError(`${where}: field "${field}" must be a number`);
      }
    }
    const id = value.id as number;
    if (!Number.isInteger(id) || id <= lastId) {
      throw new UsageError(`${where}: field "id" is ${id}, must be an integer above ${lastId}`);
    }
    lastId = id;
    if (value.type === 'pace') lastPace = checkPace(where, value, lastPace);
    yield value as unknown as HistoryEvent;
  }
}

/**
 * A `pace` event as the stall judge needs it: finite numbers, a share within 0..1, paced time that never
 * goes backwards and never runs faster than `t` (0.01 ms of rounding allowed). Returns its point.
 */
function checkPace(
  where: string,
  event: Record<string, unknown>,
  last: { t: number; pacedMs: number } | undefined,
): { t: number; pacedMs: number } {
  for (const field of ['pacedMs', 'share', 'runMs', 'waitMs'] as const) {
    const value = event[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`${where}: field "${field}" of a pace event must be a number of at least 0`);
    }
  }
  if ((event.share as number) > 1) throw new UsageError(`${where}: field "share" of a pace event is above 1`);
  const point = { t: event.t as number, pacedMs: event.pacedMs as number };
  if (last && point.pacedMs < last.pacedMs) {
    throw new UsageError(
      `${where}: field "pacedMs" is ${point.pacedMs}, below the previous pace event's ${last.pacedMs}`,
    );
  }
  if (last && point.pacedMs - last.pacedMs > point.t - last.t + 0.01) {
    throw new UsageError(
      `${where}: field "pacedMs" advanced ${point.pacedMs - last.pacedMs} ms since the previous pace event, more than "t" (${point.t - last.t} ms)`,
    );
  }
  return point;
}

/** The proxy's decisions; a run without a proxy has no faults.jsonl and yields nothing. */
export async function* readDecisions(runDir: string): AsyncGenerator<DecisionLine> {
  const path = join(runDir, RECORD_FILES.decisions);
  try {
    await access(path);
  } catch {
    return;
  }
  for await (const { value, line } of jsonLines(path)) {
    const where = `${path}:${line}`;
    if (!isObject(value)) throw new UsageError(`${where}: a decision must be a JSON object`);
    if (typeof value.id !== 'number') throw new UsageError(`${where}: field "id" must be a number`);
    if (typeof value.ts !== 'number') throw new UsageError(`${where}: field "ts" must be a number`);
    if (typeof value.action !== 'string') throw new UsageError(`${where}: field "action" must be a string`);
    if (value.rule !== null && value.rule !== undefined && typeof value.rule !== 'string') {
      throw new UsageError(`${where}: field "rule" must be a string or null`);
    }
    yield { ...value, rule: (value.rule as string | null | undefined) ?? null } as DecisionLine;
  }
}

async function readJsonFile(path: string): Promise<Record<string, unknown>> {
  await mustExist(path);
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new UsageError(`${path}: must hold a JSON object`);
  return value;
}

export async function readMeta(runDir: string): Promise<RunMeta> {
  const path = join(runDir, RECORD_FILES.meta);
  const meta = await readJsonFile(path);
  for (const field of ['runId', 'repro', 'profile', 'startedAt'] as const) {
    if (typeof meta[field] !== 'string') throw new UsageError(`${path}: field "${field}" must be a string`);
  }
  if (typeof meta.seed !== 'number') throw new UsageError(`${path}: field "seed" must be a number`);
  if (!isObject(meta.longhorn) || typeof meta.longhorn.version !== 'string') {
    throw new UsageError(`${path}: field "longhorn.version" must be a string`);
  }
  if (!isObject(meta.tools)) throw new UsageError(`${path}: field "tools" must be an object`);
  // What the checkers need: a missing or bad value is a malformed record (exit 2), not a crashed checker.
  if (
    typeof meta.stallWindowMs !== 'number' ||
    !Number.isFinite(meta.stallWindowMs) ||
    meta.stallWindowMs <= 0
  ) {
    throw new UsageError(`${path}: field "stallWindowMs" must be a positive number of milliseconds`);
  }
  if (meta.pace !== undefined) {
    if (!isObject(meta.pace) || (meta.pace.clock !== 'paced' && meta.pace.clock !== 'wall')) {
      throw new UsageError(`${path}: field "pace.clock" must be "paced" or "wall" when "pace" is present`);
    }
    if (meta.pace.reason !== undefined && typeof meta.pace.reason !== 'string') {
      throw new UsageError(`${path}: field "pace.reason" must be a string when present`);
    }
    const interval = meta.pace.sampleIntervalMs;
    if (interval !== undefined && (typeof interval !== 'number' || !(interval > 0))) {
      throw new UsageError(`${path}: field "pace.sampleIntervalMs" must be a positive number when present`);
    }
  }
  if (meta.finishedAt !== undefined && typeof meta.finishedAt !== 'string') {
    throw new UsageError(`${path}: field "finishedAt" must be a string when present`);
  }
  if (!Array.isArray(meta.scenarios)) throw new UsageError(`${path}: field "scenarios" must be an array`);
  meta.scenarios.forEach((scenario: unknown, i) => {
    const where = `${path}: field "scenarios[${i}]`;
    if (!isObject(scenario)) throw new UsageError(`${where}" must be an object`);
    if (typeof scenario.name !== 'string' || scenario.name === '') {
      throw new UsageError(`${where}.name" must be a non-empty string`);
    }
    if (scenario.faultClass !== undefined && !FAULT_CLASSES.includes(scenario.faultClass)) {
      throw new UsageError(`${where}.faultClass" must be one of ${FAULT_CLASSES.join(', ')}`);
    }
  });
  return meta as unknown as RunMeta;
}

function checkAt(path: string, index: number, check: unknown): CheckResult {
  const where = `${path}: checks[${index}]`;
  if (!isObject(check)) throw new UsageError(`${where} must be an object`);
  if (typeof check.name !== 'string') throw new UsageError(`${where}.name must be a string`);
  if (!VALIDITIES.includes(check.valid))
    throw new UsageError(`${where}.valid must be true, false or "unknown"`);
  if (check.severity !== 'error' && check.severity !== 'warn') {
    throw new UsageError(`${where}.severity must be "error" or "warn"`);
  }
  if (!Array.isArray(check.evidence) || !check.evidence.every((id) => typeof id === 'number')) {
    throw new UsageError(`${where}.evidence must be an array of event ids`);
  }
  if (check.property !== undefined && check.property !== 'safety' && check.property !== 'liveness') {
    throw new UsageError(`${where}.property must be "safety" or "liveness"`);
  }
  return check as unknown as CheckResult;
}

export async function readVerdict(runDir: string): Promise<Verdict> {
  const path = join(runDir, RECORD_FILES.verdict);
  const verdict = await readJsonFile(path);
  if (!VALIDITIES.includes(verdict.valid))
    throw new UsageError(`${path}: field "valid" must be true, false or "unknown"`);
  if (!Array.isArray(verdict.checks)) throw new UsageError(`${path}: field "checks" must be an array`);
  return {
    valid: verdict.valid as Verdict['valid'],
    checks: verdict.checks.map((c, i) => checkAt(path, i, c)),
  };
}

/** coverage.json, or undefined when the record has none (it is computed after the run). */
export async function readCoverage(runDir: string): Promise<CoverageFile | undefined> {
  const path = join(runDir, RECORD_FILES.coverage);
  try {
    await access(path);
  } catch {
    return undefined;
  }
  const coverage = await readJsonFile(path);
  if (coverage.version !== 1) throw new UsageError(`${path}: field "version" must be 1`);
  if (!isObject(coverage.model)) throw new UsageError(`${path}: field "model" must be an object`);
  if (!Array.isArray(coverage.cells)) throw new UsageError(`${path}: field "cells" must be an array`);
  for (const [i, cell] of coverage.cells.entries()) {
    if (!isObject(cell) || typeof cell.fault !== 'string' || typeof cell.keyClass !== 'string') {
      throw new UsageError(`${path}: cells[${i}] must have string fields "fault" and "keyClass"`);
    }
    if (typeof cell.acted !== 'number' || typeof cell.opportunities !== 'number') {
      throw new UsageError(`${path}: cells[${i}] must have number fields "acted" and "opportunities"`);
    }
  }
  return coverage as unknown as CoverageFile;
}
