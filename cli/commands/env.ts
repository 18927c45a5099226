// lhchaos env up|down|status|gc: the embedded local environment (etcd, apiextensions-apiserver, MinIO, and
// Longhorn's own backing-image-managers with --bim), and the removal of environments whose owner died.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../common/index.js';
import type { EnvironmentStatus } from '../../fixtures/local/index.js';
import { setExitCode, type CliIo } from '../io.js';
import { ensureTools } from './tools.js';

export const DEFAULT_ENV_DIR = '.lhchaos/env';

/** Loaded when a subcommand runs, not at the top: `lhchaos --help` must not pay for the environment. */
const local = () => import('../../fixtures/local/index.js');

interface DirOptions {
  dir: string;
  json?: boolean;
}

function describeStatus(status: EnvironmentStatus): string {
  if (status.state === 'absent') return `no local environment in ${status.dir}\n`;
  const lines = [`local environment in ${status.dir}: ${status.state}`];
  for (const p of status.processes) {
    lines.push(
      `  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} port ${String(p.port).padEnd(6)} ${p.alive ? 'alive' : 'DEAD'}  log ${p.logFile}`,
    );
  }
  if (status.env) {
    lines.push(
      `  kubeconfig ${status.env.kubeconfig}`,
      `  api server ${status.env.apiServer.url}`,
      `  s3 ${status.env.s3.endpoint}`,
    );
    const bims = status.env.backingImageManagers;
    for (const disk of bims?.disks ?? []) {
      lines.push(
        `  backing-image-manager ${bims?.version} ${disk.node}/${disk.disk} at ${disk.ip}:8000 disk-uuid ${disk.diskUUID}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerEnv(program: Command, io: CliIo): void {
  const env = program
    .command('env')
    .description('embedded local environment: etcd, apiextensions-apiserver with the Longhorn CRDs, MinIO')
    .usage('<up|down|status|gc> [options]')
    // Without a subcommand, or with an unknown one, commander would print help and exit 0; that is bad usage.
    .argument('[subcommand]')
    .action((subcommand: string | undefined) => {
      const what =
        subcommand === undefined ? 'a subcommand is required' : `unknown subcommand '${subcommand}'`;
      env.error(`lhchaos env: ${what} (expected up, down, status or gc)`, {
        exitCode: ExitCode.usage,
        code: 'lhchaos.usage',
      });
    });
  const dirOption = (command: Command) =>
    command.option('--dir <dir>', 'environment directory', DEFAULT_ENV_DIR).option('--json', 'print JSON');

  dirOption(env.command('up').description('start the environment; writes DIR/kubeconfig and DIR/env.json'))
    .option(
      '--bim <version>',
      "also run Longhorn's own backing-image-manager (v1.8.1 | v1.9.2), one per disk, each on its own loopback address",
    )
    .option('--disks <n>', 'with --bim: how many disks (node-1/disk-1 ... node-N/disk-1)', '2')
    .action(async (opts: DirOptions & { bim?: string; disks: string }) => {
      if (opts.bim !== undefined && opts.bim !== 'v1.8.1' && opts.bim !== 'v1.9.2') {
        throw new UsageError(`--bim: expected v1.8.1 or v1.9.2, got '${opts.bim}'`);
      }
      const diskCount = Number(opts.disks);
      if (!Number.isInteger(diskCount) || diskCount < 1 || diskCount > 16) {
        throw new UsageError(`--disks: expected an integer from 1 to 16, got '${opts.disks}'`);
      }
      const abort = new AbortController();
      // Ctrl-C while starting stops what was started; once `up` returns, the processes run on their own.
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const { ENV_TOOL_NAMES, startLocalEnvironment } = await local();
        // Located once: the environment starts the binaries found (or built) here.
        const tools = await ensureTools(io, ENV_TOOL_NAMES, abort.signal);
        if (opts.bim) await ensureTools(io, [`backing-image-manager@${opts.bim}`], abort.signal);
        const started = await startLocalEnvironment({
          dir: opts.dir,
          tools,
          signal: abort.signal,
          onProgress: (message) => io.stderr.write(`${message}\n`),
          backingImageManagers: opts.bim
            ? {
                version: opts.bim,
                disks: Array.from({ length: diskCount }, (_, i) => ({
                  node: `node-${i + 1}`,
                  disk: 'disk-1',
                })),
              }
            : undefined,
        });
        if (opts.json) {
          io.stdout.write(`${JSON.stringify(started.env, null, 2)}\n`);
          return;
        }
        const seconds = ((started.timings.total ?? 0) / 1000).toFixed(1);
        io.stdout.write(
          [
            `local environment up in ${seconds} s`,
            `  env.json    ${resolve(started.dir, 'env.json')}`,
            `  kubeconfig  ${started.env.kubeconfig} (context lhchaos-local)`,
            `  api server  ${started.env.apiServer.url}`,
            `  s3          ${started.env.s3.endpoint} bucket ${started.env.s3.bucket}`,
            ...(started.env.backingImageManagers?.disks ?? []).map(
              (d) =>
                `  bim         ${d.node}/${d.disk} ${d.ip}:8000 (${started.env.backingImageManagers?.version})`,
            ),
            `check it:     lhchaos env status --dir ${opts.dir}`,
            `stop it:      lhchaos env down --dir ${opts.dir}`,
            '',
          ].join('\n'),
        );
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });

  dirOption(env.command('down').description('stop the environment and remove its data'))
    .option('--keep', 'keep data, logs and env.json for a post-mortem')
    .action(async (opts: DirOptions & { keep?: boolean }) => {
      const t0 = performance.now();
      const result = await (await local()).stopLocalEnvironment(opts.dir, { keep: opts.keep === true });
      if (opts.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      if (result.stopped.length === 0)
        io.stdout.write(`no environment processes recorded in ${result.dir}\n`);
      for (const s of result.stopped) io.stdout.write(`${s.name} (pid ${s.pid}): ${s.outcome}\n`);
      const what = result.removed
        ? `data removed from ${result.dir}`
        : opts.keep
          ? `data kept in ${result.dir}`
          : `nothing removed (${result.dir} holds no environment)`;
      io.stdout.write(`down in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${what}\n`);
    });

  dirOption(
    env.command('status').description('which recorded processes are alive; exit 3 unless all are'),
  ).action(async (opts: DirOptions, command: Command) => {
    const status = await (await local()).environmentStatus(opts.dir);
    io.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : describeStatus(status));
    if (status.state !== 'running') setExitCode(command, ExitCode.unknown);
  });

  env
    .command('gc')
    .description(
      'remove the environments of runs and tests whose owner and watchdog are both gone (never a live one)',
    )
    .option('--root <dir>', 'where owned environments live (default: the system temp dir)')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--json', 'print JSON')
    .action(async (opts: { root?: string; dryRun?: boolean; json?: boolean }) => {
      if (opts.root !== undefined && !(await stat(opts.root).catch(() => undefined))?.isDirectory()) {
        throw new UsageError(`--root ${opts.root}: no such directory`);
      }
      const result = await (
        await local()
      ).collectStaleEnvironments({ root: opts.root, dryRun: opts.dryRun === true });
      if (opts.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const verb = opts.dryRun ? 'would remove' : 'removed';
      for (const e of result.removed) io.stdout.write(`${verb} ${e.dir}: ${e.reason}\n`);
      for (const e of result.kept) io.stdout.write(`kept ${e.dir}: ${e.reason}\n`);
      io.stdout.write(
        `${result.removed.length} stale environment(s) ${verb}, ${result.kept.length} kept, ${result.live.length} in use\n`,
      );
    });
}
