// Errors that carry the process exit code of the CLI contract (docs/design.md#exit-codes): 2 for usage or configuration,
// 3 when the run could not decide (the environment failed). 1 comes only from a false verdict.

export const ExitCode = {
  pass: 0,
  invariantFailed: 1,
  usage: 2,
  unknown: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: a message for a person and the exit code the CLI should end with. */
export class LhchaosError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad input: an unknown flag, a malformed rule, a directory that cannot be written. Exit 2. */
export class UsageError extends LhchaosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** The environment failed (a process died, a port was taken, a tool did not build). Exit 3. */
export class EnvironmentError extends LhchaosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.unknown, options);
  }
}

const EXIT_CODES: readonly number[] = Object.values(ExitCode);

/**
 * The exit code for any thrown value: ours carry one, anything else is an environment failure. Checked by
 * shape, not `instanceof`: a module loaded twice (a dynamic import under a test runner) has a second class.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (typeof error === 'object' && error !== null && 'exitCode' in error) {
    const code = (error as { exitCode: unknown }).exitCode;
    if (typeof code === 'number' && EXIT_CODES.includes(code)) return code as ExitCode;
  }
  return ExitCode.unknown;
}

/** A one-line message with the cause chain, for terminals and logs. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ');
}
