// renderReports: junit.xml and report.html from the files of a run record (never from live objects), so
// `lhchaos report RUN_DIR` and the end of a run produce the same output (docs/design.md#record-once-render-many).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Verdict, RECORD_FILES, readMeta, readVerdict } from '../record/index.js';
import { renderHtml } from './html/index.js';
import { buildJunitXml } from './junit/junit.js';
import { EvidenceIndexer } from './model/evidence.js';

export interface RenderOptions {
  /** A verdict from re-checking the history; default: the record's verdict.json. */
  verdict?: Verdict;
}

export async function renderReports(
  runDir: string,
  options: RenderOptions = {},
): Promise<{ junitPath: string; htmlPath: string }> {
  const meta = await readMeta(runDir);
  const verdict = options.verdict ?? (await readVerdict(runDir));
  const junitPath = join(runDir, RECORD_FILES.junit);
  const htmlPath = join(runDir, RECORD_FILES.html);
  // One pass over the history feeds both: the HTML model and the JUnit evidence index.
  const evidence = new EvidenceIndexer(verdict);
  const html = await renderHtml(runDir, meta, verdict, (event, resource) =>
    evidence.observe(event, resource),
  );
  await writeFile(junitPath, buildJunitXml(meta, verdict, evidence.result()));
  await writeFile(htmlPath, html);
  return { junitPath, htmlPath };
}
