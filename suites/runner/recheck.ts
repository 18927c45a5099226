// Re-checking a stored run: the same judge the live run used (it reads only history.jsonl and meta.json),
// the verdict.json rewritten, and whether the verdict changed. `lhchaos report` renders the result.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../common/index.js';
import {
  RECORD_FILES,
  readHistory,
  readMeta,
  readVerdict,
  replaceVerdict,
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

/** Re-judges a run record and rewrites its verdict.json. */
export async function recheckRun(runDir: string): Promise<RecheckResult> {
  try {
    await access(join(runDir, RECORD_FILES.history));
  } catch {
    throw new UsageError(`RUN_DIR: ${runDir} holds no ${RECORD_FILES.history} (not a run record)`);
  }
  const meta = await readMeta(runDir);
  const verdict = await judgeRun(() => readHistory(runDir), meta);
  const recorded = await readVerdict(runDir).catch(() => undefined);
  await replaceVerdict(runDir, verdict);
  return { meta, verdict, recorded, changed: recorded !== undefined && recorded.valid !== verdict.valid };
}
