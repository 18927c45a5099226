// lhchaos shrink RUN_DIR: replays a failing run with subsets of its faults (delta debugging over its rules,
// then over each rule's decisions) until no smaller schedule still fails in k of n tries; writes the
// minimal schedule as a rules file and prints the command that runs it.
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import { RECORD_FILES, readMeta, readVerdict } from '../../record/index.js';
import type { ShrinkReport } from '../../suites/explore/index.js';
import { setExitCode, type CliIo } from '../io.js';
import { bugEdits } from './replay.js';
import { ensureTools } from './tools.js';

interface ShrinkFlags {
  out?: string;
  target?: string;
  tries?: string;
  k?: string;
  budget?: string;
  verify?: string;
  envDir?: string;
}

function count(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag}: expected an integer >= ${min}, got '${value}'`);
  return n;
}

function printReport(io: CliIo, report: ShrinkReport, outDir: string): void {
  const { target } = report;
  io.stdout.write(
    `target: ${target.check}${target.subjectKind ? ` on ${target.subjectKind}` : ''}${target.state ? ` (${target.state})` : ''}; a candidate fails when ${report.k} of ${report.n} tries show it\n` +
      `parts: ${report.parts.before.length} -> ${report.parts.after.length} (${report.parts.after.join(', ') || 'none'})\n`,
  );
  for (const [unit, d] of Object.entries(report.decisions))
    io.stdout.write(
      d.whole
        ? `  ${unit}: ${d.before} request(s), kept whole, not narrowed\n`
        : `  ${unit}: ${d.before} -> ${d.after} request(s)\n`,
    );
  io.stdout.write(`${report.tries.length} tries in ${(report.elapsedMs / 60_000).toFixed(1)} min\n`);
  if (report.stoppedBy) io.stdout.write(`stopped: ${report.stoppedBy}\n`);
  if (report.schedulePath)
    io.stdout.write(
      `minimal schedule (${report.rules} proxy rule(s)${report.minimal ? '' : ', not proven minimal'}): ${report.schedulePath}\n`,
    );
  if (report.verify)
    io.stdout.write(
      `verify: the minimal schedule failed in ${report.verify.failures} of ${report.verify.tries} replays\n`,
    );
  if (report.repro) io.stdout.write(`repro: ${report.repro}\n`);
  io.stdout.write(`report: ${join(outDir, 'shrink.json')}\n`);
}

export function registerShrink(program: Command, io: CliIo): void {
  program
    .command('shrink')
    .description(
      'replay a failing run with fewer faults until no smaller schedule still fails (delta debugging)',
    )
    .argument('<run-dir>', 'a failing run record (local)')
    .option('--out <dir>', 'where tries and the minimal schedule go (default <run-dir>.shrink)')
    .option(
      '--target <check[:Kind[:state]]>',
      "the failure to keep (default: a known bug's signature in the run, else its first failing check and subject kind)",
    )
    .option('--tries <n>', 'tries per candidate (default 3)')
    .option('--k <k>', 'a candidate fails when k of the tries fail (default 2)')
    .option(
      '--budget <d>',
      'stop shrinking after this long, keeping the smallest failing schedule (default 2h)',
    )
    .option('--verify <n>', 'replay the minimal schedule n times at the end (default 0)')
    .option('--env-dir <dir>', 'reuse a running local environment')
    .action(async (runDir: string, flags: ShrinkFlags, command: Command) => {
      try {
        await access(join(runDir, RECORD_FILES.decisions));
      } catch {
        throw new UsageError(`RUN_DIR: ${runDir} holds no ${RECORD_FILES.decisions} (nothing to shrink)`);
      }
      const meta = await readMeta(runDir);
      if (meta.env !== 'local')
        throw new UsageError(`RUN_DIR: shrink replays local runs only (this one ran on ${meta.env})`);
      const verdict = await readVerdict(runDir);
      if (verdict.valid !== false)
        throw new UsageError(
          `RUN_DIR: ${runDir} did not fail (verdict ${String(verdict.valid)}): nothing to shrink`,
        );
      if (
        flags.target &&
        !verdict.checks.some((c) => c.valid === false && c.name === flags.target?.split(':')[0])
      )
        throw new UsageError(`--target: no failing check '${flags.target.split(':')[0]}' in ${runDir}`);
      const n = count(flags.tries, '--tries', 3, 1);
      const k = count(flags.k, '--k', Math.min(2, n), 1);
      if (k > n) throw new UsageError(`--k: must not exceed --tries (${n}), got ${k}`);
      const outDir = resolve(flags.out ?? `${resolve(runDir)}.shrink`);
      const edits = bugEdits(meta.longhorn.version, meta.longhorn.bugs ?? []);
      const iterations = meta.scenarios[0]?.iterations;
      const reproFor = (schedulePath: string) =>
        [
          'lhchaos run --env local',
          `--profile ${meta.profile}`,
          `--seed ${meta.seed}`,
          `--longhorn ${meta.longhorn.version}`,
          // The recorded bug set, as edits of the version's defaults.
          ...(edits.length > 0 ? [`--sim-bugs ${edits.join(',')}`] : []),
          ...(iterations !== undefined ? [`--iterations ${iterations}`] : []),
          `--schedule ${schedulePath}`,
        ].join(' ');
      // Loaded here, once the flags and the record were found usable: `lhchaos --help` must not pay for them.
      const [{ ENV_TOOL_NAMES }, { shrinkRun }, { parseDuration }, { progressWriter }, { abortOnSignals }] =
        await Promise.all([
          import('../../fixtures/local/index.js'),
          import('../../suites/explore/index.js'),
          import('../../suites/harness/index.js'),
          import('../../suites/runner/index.js'),
          import('./chaos-run.js'),
        ]);
      const progress = progressWriter(io.stdout as NodeJS.WritableStream & { isTTY?: boolean });
      io.stdout.write(`shrinking ${meta.runId} (${dirname(resolve(runDir))}) into ${outDir}\n`);
      const signals = abortOnSignals(
        () =>
          progress.note('interrupted: finishing the current try, keeping the smallest failing schedule...'),
        () => progress.note('interrupted again: hurrying the teardown (processes get SIGKILL)...'),
      );
      try {
        if (!flags.envDir) await ensureTools(io, ENV_TOOL_NAMES, signals.signal);
        const report = await shrinkRun({
          runDir: resolve(runDir),
          outDir,
          target: flags.target,
          k,
          n,
          budgetMs: flags.budget ? parseDuration(flags.budget, '--budget') : 2 * 3_600_000,
          verify: count(flags.verify, '--verify', 0, 0),
          envDir: flags.envDir,
          reproFor,
          signal: signals.signal,
          hurry: signals.hurry,
          onLog: (m) => progress.note(m),
          onRunProgress: (p) => progress.update(p),
        });
        progress.done();
        printReport(io, report, outDir);
        setExitCode(command, report.reproduced && report.schedulePath ? 0 : 3);
      } finally {
        signals.dispose();
        progress.done();
      }
    });
}
