// lhchaos replay RUN_DIR: run the recorded run again (same seed, profile, Longhorn behaviour, scenarios,
// iterations) with its fault decisions re-applied by (operation, key, ordinal) instead of the scenarios'
// own rules. suites/runner/replay.ts says what this can and cannot reproduce.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import { RECORD_FILES, readMeta } from '../../record/index.js';
import { resolveBehaviour } from '../../fixtures/simulator/index.js';
import { chaosEnv } from '../../suites/harness/index.js';
import { progressWriter, reproCommand, resolveRunOptions, runChaos } from '../../suites/runner/index.js';
import { setExitCode, type CliIo } from '../io.js';
import { abortOnSignals, printRunResult, renderRunReports } from './chaos-run.js';

/** The recorded bug set as edits of the version's defaults, so the same behaviour is rebuilt. */
function bugEdits(version: string, recorded: string[]): string[] {
  const defaults = resolveBehaviour(version).bugs as string[];
  return [
    ...recorded.filter((b) => !defaults.includes(b)).map((b) => `+${b}`),
    ...defaults.filter((b) => !recorded.includes(b)).map((b) => `-${b}`),
  ];
}

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
      const meta = await readMeta(runDir);
      if (meta.env !== 'local')
        throw new UsageError(`RUN_DIR: replay supports local runs only (this one ran on ${meta.env})`);
      // Records from before `components` existed were all model runs.
      const manager =
        meta.components?.find((c) => c.name === 'longhorn-manager')?.kind === 'real' ? 'real' : 'model';
      const resolved = resolveRunOptions(
        {
          env: meta.env,
          profile: meta.profile,
          seed: String(meta.seed),
          longhorn: meta.longhorn.version,
          manager,
          simBugs:
            manager === 'real' ? '' : bugEdits(meta.longhorn.version, meta.longhorn.bugs ?? []).join(','),
          scenario: meta.scenarios.map((s) => s.name),
          iterations: String(meta.scenarios[0]?.iterations ?? 1),
          timeFactor: manager === 'real' ? undefined : String(meta.timeFactor),
          out: flags.out,
          envDir: flags.envDir,
        },
        chaosEnv(),
      );
      const repro = `lhchaos replay ${runDir}`;
      const progress = progressWriter(io.stdout as NodeJS.WritableStream & { isTTY?: boolean });
      io.stdout.write(`replaying ${meta.runId} (${reproCommand(resolved)})\n`);
      const signals = abortOnSignals(() => progress.note('interrupted: healing faults...'));
      try {
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
        printRunResult(io, result, await renderRunReports(result));
        setExitCode(command, result.exitCode);
      } finally {
        signals.dispose();
      }
    });
}
