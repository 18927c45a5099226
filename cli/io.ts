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
