// What every subcommand shares with the command tree: where it writes, and how it ends with an exit code
// other than 0 without throwing. A leaf: program.ts and the subcommands import it, it imports neither.
import type { Command } from 'commander';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type WithExitCode = Command & { exitCodeResult?: number };

/**
 * Commands that end with a code other than 0 without throwing (a run whose verdict is false) set it
 * here; `runCli` reads it back with `exitCodeSetBy`.
 */
export function setExitCode(command: Command, code: number): void {
  (command as WithExitCode).exitCodeResult = code;
}

export function exitCodeSetBy(command: Command): number | undefined {
  return (command as WithExitCode).exitCodeResult;
}

/**
 * Resolves on the first SIGINT or SIGTERM, or when `signal` aborts (tests), with which one it was: how the
 * commands that hold until stopped (proxy, sim, cluster forward) wait.
 */
export function untilStopped(signal?: AbortSignal): Promise<'SIGINT' | 'SIGTERM' | 'abort'> {
  return new Promise((resolve) => {
    const stop = (name: 'SIGINT' | 'SIGTERM' | 'abort') => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', stop('abort'), { once: true });
  });
}
