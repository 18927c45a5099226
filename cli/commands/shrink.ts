// lhchaos shrink RUN_DIR: replays a failing run with subsets of its faults (delta debugging over its rules,
// then over each rule's decisions) until no smaller schedule still fails in k of n tries; writes the
// minimal schedule as a rules file and prints the command that runs it.
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import { RECORD_FILES, readMeta, readVerdict, recordedComponents } from '../../record/index.js';
import type { ShrinkReport } from '../../suites/explore/index.js';
import { setExitCode, type CliIo } from '../io.js';
import { ensureTools } from './tools.js';

interface ShrinkFlags {
  out?: string;
  target?: string;
  tries?: string;
  k?: string;
  budget?: string;
  verify?: string;
  verifyMin?: string;
  envDir?: string;
  bim?: string;
  manager?: string;
}

/**
 * `--bim` and `--manager` take what `lhchaos run` takes, and must name what the failing run ran: a failure
 * of Longhorn's own code is shrunk on Longhorn's own code (and a model's on the model).
 */
function checkComponent(flag: '--bim' | '--manager', value: string | undefined, recorded: string): void {
  if (value !== undefined && value !== recorded)
    throw new UsageError(
      `${flag}: the run to shrink ran ${flag} ${recorded} (meta.json components); shrink replays it with the same, got '${value}'`,
    );
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
    `components: --bim ${report.components.bim} --manager ${report.components.manager}\n` +
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
      `minimal schedule (${report.rules} rule(s), ${report.proxyRules} proxy rule(s)${report.minimal ? '' : ', not proven minimal'}): ${report.schedulePath}\n`,
    );
  const replays = (v: { failures: number; tries: number; narrowed: boolean }) =>
    `${v.narrowed ? 'narrowed' : 'rules whole'}: failed in ${v.failures} of ${v.tries} replays`;
  if (report.otherVerify)
    io.stdout.write(`verify: ${replays(report.otherVerify)}, fewer than ${report.verify?.min} (not kept)\n`);
  if (report.verify)
    io.stdout.write(
      `verify: ${replays(report.verify)}${report.verify.failures < report.verify.min ? `, fewer than ${report.verify.min}: not a reliable repro` : ` (${report.verify.min} wanted)`}\n`,
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
    .option(
      '--verify <n>',
      'replay the minimal schedule n times at the end; a narrowed one that fails too rarely gives way to its rules whole (default 10; 0: no replay)',
    )
    .option('--verify-min <m>', 'how many of the --verify replays must fail (default 90% of them)')
    .option('--env-dir <dir>', 'reuse a running local environment')
    .option(
      '--bim <kind>',
      'real or model: must be what the run ran (default: its record, meta.json components)',
    )
    .option(
      '--manager <kind>',
      'real or model: must be what the run ran (default: its record, meta.json components)',
    )
    .action(async (runDir: string, flags: ShrinkFlags, command: Command) => {
      for (const [flag, value] of [
        ['--bim', flags.bim],
        ['--manager', flags.manager],
      ] as const)
        if (value !== undefined && value !== 'real' && value !== 'model')
          throw new UsageError(`${flag}: expected real or model, got '${value}'`);
      try {
        await access(join(runDir, RECORD_FILES.decisions));
      } catch {
        throw new UsageError(`RUN_DIR: ${runDir} holds no ${RECORD_FILES.decisions} (nothing to shrink)`);
      }
      const meta = await readMeta(runDir);
      if (meta.env !== 'local')
        throw new UsageError(`RUN_DIR: shrink replays local runs only (this one ran on ${meta.env})`);
      const { bim, manager } = recordedComponents(meta);
      checkComponent('--bim', flags.bim, bim);
      checkComponent('--manager', flags.manager, manager);
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
      const verify = count(flags.verify, '--verify', 10, 0);
      const verifyMin = count(flags.verifyMin, '--verify-min', Math.ceil(0.9 * verify), 0);
      if (verifyMin > verify)
        throw new UsageError(`--verify-min: must not exceed --verify (${verify}), got ${verifyMin}`);
      const outDir = resolve(flags.out ?? `${resolve(runDir)}.shrink`);
      // Loaded here, once the flags and the record were found usable: `lhchaos --help` must not pay for them.
      const [
        { recordedSettings, shrinkRun },
        { parseDuration },
        { checkReusedEnvironment, progressWriter, toolsForRun },
        { abortOnSignals },
      ] = await Promise.all([
        import('../../suites/explore/index.js'),
        import('../../suites/harness/index.js'),
        import('../../suites/runner/index.js'),
        import('./chaos-run.js'),
      ]);
      const budgetMs = flags.budget ? parseDuration(flags.budget, '--budget') : 2 * 3_600_000;
      // Every try runs on it: checked before anything is built or written, as `lhchaos run` does.
      await checkReusedEnvironment({
        env: 'local',
        envDir: flags.envDir,
        longhorn: meta.longhorn.version,
        bim,
      });
      // The recorded bug set, as the tries run it (shrinkRun takes the same from the record).
      const edits = recordedSettings(meta).simBugs;
      const iterations = meta.scenarios[0]?.iterations;
      const reproFor = (schedulePath: string) =>
        [
          'lhchaos run --env local',
          `--profile ${meta.profile}`,
          `--seed ${meta.seed}`,
          `--longhorn ${meta.longhorn.version}`,
          // Always spelled out: whether the repro runs Longhorn's own code must not hang on a default.
          `--bim ${bim}`,
          `--manager ${manager}`,
          ...(edits.length > 0 ? [`--sim-bugs ${edits.join(',')}`] : []),
          ...(iterations !== undefined ? [`--iterations ${iterations}`] : []),
          `--schedule ${schedulePath}`,
        ].join(' ');
      const progress = progressWriter(io.stdout as NodeJS.WritableStream & { isTTY?: boolean });
      io.stdout.write(`shrinking ${meta.runId} (${dirname(resolve(runDir))}) into ${outDir}\n`);
      const signals = abortOnSignals(
        () =>
          progress.note('interrupted: finishing the current try, keeping the smallest failing schedule...'),
        () => progress.note('interrupted again: hurrying the teardown (processes get SIGKILL)...'),
      );
      try {
        const needed = toolsForRun({
          env: 'local',
          envDir: flags.envDir,
          longhorn: meta.longhorn.version,
          bim,
          manager,
        });
        if (needed.length > 0) await ensureTools(io, needed, signals.signal);
        const report = await shrinkRun({
          runDir: resolve(runDir),
          outDir,
          target: flags.target,
          k,
          n,
          budgetMs,
          verify,
          verifyMin,
          envDir: flags.envDir,
          reproFor,
          signal: signals.signal,
          hurry: signals.hurry,
          onLog: (m) => progress.note(m),
          onRunProgress: (p) => progress.update(p),
        });
        progress.done();
        printReport(io, report, outDir);
        // A schedule that failed too few of its replays is no repro to hand on: unknown, like a run cut short.
        const reliable = !report.verify || report.verify.failures >= report.verify.min;
        setExitCode(command, report.reproduced && report.schedulePath && reliable ? 0 : 3);
      } finally {
        signals.dispose();
        progress.done();
      }
    });
}
