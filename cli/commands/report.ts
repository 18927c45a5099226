// lhchaos report RUN_DIR: re-check a recorded run offline with the same checkers the live run used (they
// read only history.jsonl and meta.json), rewrite verdict.json, re-render JUnit and HTML, exit like the run.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import { renderReports, terminalSummary } from '../../reports/index.js';
import { readHistory, readMeta, readVerdict, RECORD_FILES } from '../../record/index.js';
import { exitCodeFor, findingsInPlainWords, judgeRun } from '../../suites/runner/index.js';
import { setExitCode, type CliIo } from '../program.js';
import { writeFile, rename } from 'node:fs/promises';

/** Re-judges a run record; returns the new verdict and whether it differs from the recorded one. */
export async function recheckRun(runDir: string) {
  try {
    await access(join(runDir, RECORD_FILES.history));
  } catch {
    throw new UsageError(`RUN_DIR: ${runDir} holds no ${RECORD_FILES.history} (not a run record)`);
  }
  const meta = await readMeta(runDir);
  const verdict = await judgeRun(() => readHistory(runDir), meta);
  const recorded = await readVerdict(runDir).catch(() => undefined);
  const verdictPath = join(runDir, RECORD_FILES.verdict);
  await writeFile(`${verdictPath}.tmp`, JSON.stringify(verdict, null, 2) + '\n');
  await rename(`${verdictPath}.tmp`, verdictPath);
  return {
    meta,
    verdict,
    recorded,
    changed: recorded !== undefined && recorded.valid !== verdict.valid,
  };
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('re-check a recorded run offline with the same checkers and re-render its reports')
    .argument('<run-dir>', 'a run record directory (reports/out/<run-id>)')
    .action(async (runDir: string, _options: unknown, command: Command) => {
      const { meta, verdict, recorded, changed } = await recheckRun(runDir);
      const paths = { runDir, ...(await renderReports(runDir, { verdict })) };
      io.stdout.write(`${terminalSummary(meta, verdict, paths)}\n`);
      for (const line of findingsInPlainWords(meta, verdict)) io.stdout.write(`${line}\n`);
      if (changed) {
        io.stdout.write(
          `note: the recorded verdict was ${String(recorded?.valid)}; re-checking gives ${String(verdict.valid)}\n`,
        );
      }
      setExitCode(command, exitCodeFor(verdict));
    });
}
