// Re-checking a stored run: the same judge the live run used (it reads only history.jsonl and meta.json),
// and whether the verdict changed. Nothing is written here: the caller renders from the new verdict first
// and only then replaces verdict.json (record/'s replaceVerdict), so that a malformed record, found by the
// judge or by the renderer, is a usage error that changes nothing.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../common/index.js';
import {
  RECORD_FILES,
  readHistory,
  readMeta,
  readVerdict,
  type RunMeta,
  type Verdict,
} from '../../record/index.js';
import { judgeRun } from './check.js';

export interface RecheckResult {
  meta: RunMeta;
  verdict: Verdict;
  /** The verdict.json found before re-checking; absent when the record had none. */
  recorded?: Verdict;
  /** The recorded verdict existed and its validity differs from the new one. */
  changed: boolean;
}

/** Re-judges a run record; a malformed record throws a UsageError naming the file and field. */
export async function recheckRun(runDir: string): Promise<RecheckResult> {
  try {
    await access(join(runDir, RECORD_FILES.history));
  } catch {
    throw new UsageError(`RUN_DIR: ${runDir} holds no ${RECORD_FILES.history} (not a run record)`);
  }
  const meta = await readMeta(runDir);
  const verdict = await judgeRun(() => readHistory(runDir), meta);
  const recorded = await readVerdict(runDir).catch(() => undefined);
  return { meta, verdict, recorded, changed: recorded !== undefined && recorded.valid !== verdict.valid };
}
