// lhchaos replay RUN_DIR: run the recorded run again (same seed, profile, Longhorn behaviour, scenarios,
// iterations) with its fault decisions re-applied by (operation, key, ordinal) instead of the scenarios'
// own rules. suites/runner/replay.ts says what this can and cannot reproduce.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import { RECORD_FILES, readMeta, recordedComponents } from '../../record/index.js';
import { bugEdits } from '../../fixtures/simulator/behaviours.js';
import { setExitCode, type CliIo } from '../io.js';
import { ensureTools } from './tools.js';

export function registerReplay(program: Command, io: CliIo): void {
  program
    .command('replay')
    .description("re-apply a recorded run's fault decisions (same seed, scenario and behaviour)")
    .argument('<run-dir>', 'a run record directory with faults.jsonl')
    .option('--out <dir>', 'where the replay run is recorded (default reports/out)')
    .option('--env-dir <dir>', 'reuse a running local environment')
    .action(async (runDir: string, flags: { out?: string; envDir?: string }, command: Command) => {
      try {
        await access(join(runDir, RECORD_FILES.decisions));
      } catch {
        throw new UsageError(`RUN_DIR: ${runDir} holds no ${RECORD_FILES.decisions} (nothing to replay)`);
      }
      // Loaded here, not at the top: `lhchaos --help` must not pay for the runner.
      const [{ chaosEnv }, runner, chaosRun] = await Promise.all([
        import('../../suites/harness/index.js'),
        import('../../suites/runner/index.js'),
        import('./chaos-run.js'),
      ]);
      const { abortOnSignals, printRunResult, renderRunReports } = chaosRun;
      const {
        checkReusedEnvironment,
        progressWriter,
        readScheduleRecord,
        reproCommand,
        resolveRunOptions,
        runChaos,
        toolsForRun,
        withSchedule,
        writeScheduleRecord,
      } = runner;
      const meta = await readMeta(runDir);
      if (meta.env !== 'local')
        throw new UsageError(`RUN_DIR: replay supports local runs only (this one ran on ${meta.env})`);
      // A run made from a schedule (explore, shrink, run --schedule) keeps it in its record.
      const schedule = await readScheduleRecord(runDir);
      // The components the record says it ran (the model's, for records from before `components` existed).
      const { bim, manager } = recordedComponents(meta);
      const plain = resolveRunOptions(
        {
          env: meta.env,
          profile: meta.profile,
          seed: String(meta.seed),
          longhorn: meta.longhorn.version,
          bim,
          manager,
          simBugs:
            manager === 'real'
              ? ''
              : bugEdits(meta.longhorn.version, meta.longhorn.bugs ?? [], {
                  realBackingImageManager: bim === 'real',
                }).join(','),
          scenario: schedule ? undefined : meta.scenarios.map((s) => s.name),
          iterations: String(meta.scenarios[0]?.iterations ?? 1),
          timeFactor: manager === 'real' ? undefined : String(meta.timeFactor),
          out: flags.out,
          envDir: flags.envDir,
        },
        chaosEnv(),
      );
      const resolved = schedule ? withSchedule(plain, schedule, {}) : plain;
      // Checked before anything is built or started, as `lhchaos run` does.
      await checkReusedEnvironment(resolved);
      const repro = `lhchaos replay ${runDir}`;
      const progress = progressWriter(io.stdout as NodeJS.WritableStream & { isTTY?: boolean });
      io.stdout.write(`replaying ${meta.runId} (${reproCommand(resolved)})\n`);
      const signals = abortOnSignals(() => progress.note('interrupted: healing faults...'));
      try {
        // A fresh machine: build what the replay starts before anything is written, as `lhchaos run` does.
        const needed = toolsForRun(resolved);
        if (needed.length > 0) await ensureTools(io, needed, signals.signal);
        const result = await runChaos({
          ...resolved,
          replayFrom: runDir,
          repro,
          signal: signals.signal,
          hurry: signals.hurry,
          onProgress: (p) => progress.update(p),
          onLog: (m) => progress.note(m),
        });
        progress.done();
        if (schedule) await writeScheduleRecord(result.runDir, schedule);
        printRunResult(io, result, await renderRunReports(result));
        setExitCode(command, result.exitCode);
      } finally {
        signals.dispose();
      }
    });
}
