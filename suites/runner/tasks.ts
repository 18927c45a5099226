// Setup/teardown pairs (Playwright's Task, Chaos Mesh's Apply/Recover): every step that changes the world
// registers its undo at once, and undo runs in reverse even when a later step failed or a signal came.

export interface Teardown {
  title: string;
  /** `hurry` is aborted when the user asks twice (a second Ctrl-C): cut waits short, skip no undo. */
  run: (hurry: AbortSignal) => Promise<void>;
}

export interface TeardownFailure {
  title: string;
  error: unknown;
}

export class TaskStack {
  private readonly stack: Teardown[] = [];
  private running: Promise<TeardownFailure[]> | undefined;
  private readonly hurried = new AbortController();

  /** Registers an undo step; returns a function that runs and forgets it early. */
  defer(title: string, run: (hurry: AbortSignal) => Promise<void>): () => Promise<void> {
    const entry = { title, run };
    this.stack.push(entry);
    return async () => {
      const index = this.stack.indexOf(entry);
      if (index < 0) return;
      this.stack.splice(index, 1);
      await run(this.hurried.signal);
    };
  }

  /** Tells the running and the remaining undo steps to hurry (grace periods end, waits are cut short). */
  hurry(): void {
    this.hurried.abort();
  }

  get size(): number {
    return this.stack.length;
  }

  /** Runs every undo step in reverse; failures are collected, never stop the rest. Idempotent. */
  unwind(onStep?: (title: string) => void): Promise<TeardownFailure[]> {
    this.running ??= (async () => {
      const failures: TeardownFailure[] = [];
      while (this.stack.length > 0) {
        const entry = this.stack.pop() as Teardown;
        onStep?.(entry.title);
        try {
          await entry.run(this.hurried.signal);
        } catch (error) {
          failures.push({ title: entry.title, error });
        }
      }
      return failures;
    })();
    return this.running;
  }
}
