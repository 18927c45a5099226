// Builds the lhchaos command tree. Each subcommand lives in commands/<name>.ts and registers itself;
// this file only wires them and maps errors to the exit codes of docs/design.md#exit-codes.
import { Command, CommanderError } from 'commander';
import { ExitCode, describeError, exitCodeOf } from '../common/index.js';
import { registerCluster } from './commands/cluster.js';
import { registerCoverage } from './commands/coverage.js';
import { registerEnv } from './commands/env.js';
import { registerExplore } from './commands/explore.js';
import { registerProxy } from './commands/proxy.js';
import { registerReplay } from './commands/replay.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerShrink } from './commands/shrink.js';
import { registerSim } from './commands/sim.js';
import { registerTools } from './commands/tools.js';
import { exitCodeSetBy, type CliIo } from './io.js';
import { versionText } from './version.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('lhchaos')
    .description('Chaos tests and verification for Longhorn backup-store races')
    .version(versionText(), '-V, --version', 'print the version, how it runs and the pinned tools')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  for (const register of [
    registerTools,
    registerEnv,
    registerProxy,
    registerSim,
    registerRun,
    registerReplay,
    registerReport,
    registerExplore,
    registerShrink,
    registerCoverage,
    registerCluster,
  ]) {
    register(program, io);
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  let code: number = ExitCode.pass;
  program.hook('postAction', (_this, action) => {
    const fromAction = exitCodeSetBy(action);
    if (typeof fromAction === 'number') code = fromAction;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is bad usage.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return ExitCode.pass;
      if (error.code === 'commander.help') return ExitCode.pass;
      return ExitCode.usage;
    }
    const exit = exitCodeOf(error);
    io.stderr.write(`lhchaos: ${describeError(error)}\n`);
    return exit;
  }
}
