// lhchaos tools: build or locate the pinned tools (install) and show where each comes from (list).
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import {
  DEFAULT_BUILD_JOBS,
  cacheRoot,
  formatSize,
  installTools,
  listTools,
} from '../../fixtures/toolchain/index.js';
import type { ToolName, ToolProgress } from '../../fixtures/toolchain/index.js';
import type { CliIo } from '../io.js';

/**
 * On a terminal the elapsed times of the builds under way share one line that is rewritten; in logs every
 * report is a line of its own.
 */
function progressPrinter(stream: NodeJS.WritableStream): {
  print: (event: ToolProgress) => void;
  end: () => void;
} {
  const tty = (stream as NodeJS.WritableStream & { isTTY?: boolean }).isTTY === true;
  // The latest tick of each build under way, by tool and pin.
  const ticking = new Map<string, string>();
  let open = false;
  const end = (): void => {
    if (open) stream.write('\n');
    open = false;
  };
  const print = (event: ToolProgress): void => {
    const key = `${event.tool}@${event.version}`;
    if (tty && event.phase === 'tick') {
      ticking.set(key, event.message);
      stream.write(`\r\x1b[K${[...ticking.values()].join(' | ')}`);
      open = true;
      return;
    }
    if (event.phase === 'done') ticking.delete(key);
    end();
    stream.write(`${event.message}\n`);
  };
  return { print, end };
}

/** `--jobs`: a whole number of builds at once, from 1. */
function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(jobs) || jobs < 1) {
    throw new UsageError(`--jobs: expected a whole number of builds at once (1 or more), got '${value}'`);
  }
  return jobs;
}

/**
 * Builds the tools a command needs that are not there yet (the first run on a fresh machine), with the
 * progress display of `tools install`; cached tools cost a version check each. Returns each tool's binary.
 */
export async function ensureTools<Name extends ToolName>(
  io: CliIo,
  names: readonly (Name | `${Name}@${string}`)[],
  signal?: AbortSignal,
): Promise<Record<Name, { path: string; version: string }>> {
  const progress = progressPrinter(io.stderr);
  let told = false;
  const print = (event: ToolProgress): void => {
    if (!told && (event.phase === 'start' || event.phase === 'wait')) {
      told = true;
      progress.print({
        ...event,
        phase: 'notice',
        message: `first use: building the pinned tools this command needs into ${cacheRoot()} (later runs reuse them)`,
      });
    }
    progress.print(event);
  };
  try {
    const results = await installTools(names, { onProgress: print, signal });
    return Object.fromEntries(
      results.map((r) => [r.name, { path: r.path as string, version: r.version }]),
    ) as Record<Name, { path: string; version: string }>;
  } finally {
    progress.end();
  }
}

export function registerTools(program: Command, io: CliIo): void {
  const tools = program
    .command('tools')
    .description(
      'build or locate the pinned etcd, apiextensions-apiserver, MinIO, k6, kind, actionlint and Toxiproxy',
    )
    // Without an action commander would print help and succeed; a missing or unknown command is bad usage.
    .allowExcessArguments(true)
    .action((_options: unknown, command: Command) => {
      const [unknown] = command.args;
      throw new UsageError(
        unknown === undefined
          ? 'lhchaos tools needs a command: install or list'
          : `unknown command 'tools ${unknown}'; commands: install, list`,
      );
    });

  tools
    .command('install')
    .description(
      'build the named tools (all by default) into the cache outside the clone; skip what is there',
    )
    .argument('[names...]', 'tools to install')
    .option('--force', 'rebuild even when a pinned build is cached')
    .option('--jobs <n>', `builds at once (default ${DEFAULT_BUILD_JOBS})`, parseJobs)
    .action(async (names: string[], opts: { force?: boolean; jobs?: number }) => {
      const progress = progressPrinter(io.stderr);
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const results = await installTools(names, {
          force: opts.force === true,
          ...(opts.jobs === undefined ? {} : { jobs: opts.jobs }),
          onProgress: progress.print,
          signal: abort.signal,
        });
        for (const r of results) {
          const how = r.built
            ? `built in ${Math.round(r.elapsedMs / 1000)} s, ${formatSize(r.sizeBytes ?? 0)}`
            : r.status === 'cached'
              ? 'cached'
              : `from ${r.status === 'env' ? 'env var' : 'PATH'}`;
          io.stdout.write(`${r.name} ${r.version}: ${r.path} (${how})\n`);
        }
      } finally {
        progress.end();
        process.removeListener('SIGINT', onSigint);
      }
    });

  tools
    .command('list')
    .description('show each tool, its pinned version and where its binary comes from (builds nothing)')
    .option('--json', 'print the rows as JSON')
    .allowExcessArguments(false)
    .action(async (opts: { json?: boolean }) => {
      const rows = await listTools();
      if (opts.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = (key: 'name' | 'version' | 'status'): number =>
        Math.max(...rows.map((r) => r[key].length));
      const [n, v, s] = [width('name'), width('version'), width('status')];
      for (const r of rows) {
        io.stdout.write(
          `${r.name.padEnd(n)}  ${r.version.padEnd(v)}  ${r.status.padEnd(s)}  ${r.path ?? '(run: lhchaos tools install)'}\n`,
        );
      }
    });
}
