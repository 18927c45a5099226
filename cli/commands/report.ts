// lhchaos report RUN_DIR: re-check a recorded run offline with the same checkers the live run used
// (recheckRun: they read only history.jsonl and meta.json), re-render JUnit and HTML (and coverage.json),
// then rewrite verdict.json, and exit like the run.
import type { Command } from 'commander';
import { replaceVerdict, writeCoverage } from '../../record/index.js';
import { setExitCode, type CliIo } from '../io.js';

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('re-check a recorded run offline with the same checkers and re-render its reports')
    .argument('<run-dir>', 'a run record directory (reports/out/<run-id>)')
    .action(async (runDir: string, _options: unknown, command: Command) => {
      // Loaded here, not at the top: `lhchaos --help` must not pay for the runner.
      const [{ renderReports, terminalSummary }, { exitCodeFor, recheckRun }, { computeRunCoverage }] =
        await Promise.all([
          import('../../reports/index.js'),
          import('../../suites/runner/index.js'),
          import('../../suites/explore/index.js'),
        ]);
      const { meta, verdict, recorded, changed } = await recheckRun(runDir);
      // Coverage is computed from the same record, so an older record gets it too; a malformed record fails
      // here, before anything is written.
      await writeCoverage(runDir, await computeRunCoverage(runDir));
      // Rendering reads the whole record again (faults.jsonl too): only once it succeeded is the verdict
      // replaced, so a malformed record is exit 2 with verdict.json as it was.
      const paths = { runDir, ...(await renderReports(runDir, { verdict })) };
      await replaceVerdict(runDir, verdict);
      io.stdout.write(`${terminalSummary(meta, verdict, paths)}\n`);
      if (changed) {
        io.stdout.write(
          `note: the recorded verdict was ${String(recorded?.valid)}; re-checking gives ${String(verdict.valid)}\n`,
        );
      }
      setExitCode(command, exitCodeFor(verdict));
    });
}
