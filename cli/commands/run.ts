// lhchaos run: a chaos run (docs/design.md#command-line): flags to options, live progress, Ctrl-C/SIGTERM
// turned into an orderly teardown, the summary, the repro command and the exit code of the verdict.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../common/index.js';
import type { RunFlags } from '../../suites/runner/index.js';
import { setExitCode, type CliIo } from '../io.js';
import { exploreCommand } from './explore.js';
import { ensureTools } from './tools.js';

/**
 * `run --profile explore`: the exploration of the nightly gate, with the run flags that apply to it. With
 * `--schedule` it is one run of that schedule instead (the repro of an exploration's run).
 */
function exploreAsRun(io: CliIo, flags: RunFlags, command: Command): Promise<void> {
  const unsupported = (
    [
      ['--env kube', flags.env === 'kube'],
      ['--scenario', (flags.scenario?.length ?? 0) > 0],
      ['--iterations', flags.iterations !== undefined],
      ['--co-load', flags.coLoad !== undefined && flags.coLoad !== false],
    ] as const
  ).find(([, given]) => given);
  if (unsupported)
    throw new UsageError(`${unsupported[0]}: not with --profile explore (it generates its schedules)`);
  return exploreCommand(
    io,
    {
      profile: 'explore',
      budget: flags.duration,
      longhorn: flags.longhorn,
      bim: flags.bim,
      manager: flags.manager,
      seed: flags.seed,
      simBugs: flags.simBugs,
      out: flags.out,
      envDir: flags.envDir,
      timeFactor: flags.timeFactor,
    },
    command,
  );
}

export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run system backups in a loop while faults act on the backup store, then judge the history')
    .addOption(new Option('--env <env>', 'local (embedded environment + simulator) or kube (real Longhorn)'))
    .option('--kubeconfig <file>', 'kubeconfig for --env kube')
    .option('--context <name>', 'kubeconfig context for --env kube')
    .option('--profile <name>', 'smoke | nightly | qualification | repro | explore (default smoke)')
    .option('--seed <n>', 'the seed every random choice derives from (default: random, printed)')
    .option('--iterations <n>', 'system backups per scenario in the faults phase')
    .option('--duration <d>', 'wall-clock budget, e.g. 90s, 15m, 2h (default: the profile budget)')
    .option('--longhorn <version>', 'Longhorn version (local: v1.8.1 | v1.9.0 | v1.9.2 | v1.10.2)')
    .option(
      '--bim <kind>',
      "local: real (Longhorn's own backing-image-manager and backupstore; the default where a build runs here: " +
        'v1.8.1, and v1.9.2 for v1.9.0 and v1.9.2) or model',
    )
    .option('--sim-bugs <edits>', 'simulator bug switches, e.g. +regress-progress,-list-error-as-empty')
    .option(
      '--manager <kind>',
      "local: real (longhorn-manager's own controllers; default for v1.8.1, v1.9.0 with --bim real) or model (the simulator's)",
    )
    .option('--scenario <name...>', 'scenarios to play (default: the profile list)')
    .option('--out <dir>', 'run records go to DIR/<run-id> (default reports/out)')
    .option('--env-dir <dir>', 'reuse a running local environment (lhchaos env up --dir D)')
    .option(
      '--co-load [breach]',
      'run the k6 S3 co-load beside the system backups; a threshold breach warns, or fails the run with `--co-load fail`',
    )
    .option('--proxy-control <url>', 'kube: the in-cluster fault proxy control URL')
    .option('--minio <url>', 'kube: MinIO reached directly (not through the proxy), for the dual view')
    .option(
      '--cluster-dir <dir>',
      'kube: the `cluster up` directory the rest comes from (default $LHCHAOS_CLUSTER_DIR or .lhchaos/cluster-lhchaos)',
    )
    .option('--time-factor <f>', 'local: factor on Longhorn timings (default: the profile)')
    .option(
      '--schedule <file>',
      'play this fault schedule (JSON or YAML, as explore and shrink write) instead of scenarios',
    )
    .action(async (flags: RunFlags, command: Command) => {
      // Loaded here, not at the top: `lhchaos --help` must not pay for the runner.
      const [{ chaosEnv }, runner, { abortOnSignals, printRunResult, renderRunReports }] = await Promise.all([
        import('../../suites/harness/index.js'),
        import('../../suites/runner/index.js'),
        import('./chaos-run.js'),
      ]);
      const {
        checkReusedEnvironment,
        collectKubeArtifacts,
        loadScheduleFile,
        openKubeAccess,
        progressWriter,
        reproCommand,
        resolveRunOptions,
        runChaos,
        toolsForRun,
        withSchedule,
        writeScheduleRecord,
      } = runner;
      if ((flags.profile ?? chaosEnv().profile) === 'explore' && flags.schedule === undefined)
        return exploreAsRun(io, flags, command);
      const plain = resolveRunOptions(flags, chaosEnv());
      const schedule = flags.schedule ? await loadScheduleFile(flags.schedule) : undefined;
      const { clusterDir, ...resolved } = schedule ? withSchedule(plain, schedule, flags) : plain;
      // Every flag is checked before anything is built or started (a bad --env-dir is exit 2, not a build).
      await checkReusedEnvironment(resolved);
      // Kube: port-forwards to the proxy control port and MinIO from cluster.json, open for the whole run.
      const access =
        resolved.env === 'kube'
          ? await openKubeAccess({
              clusterDir,
              kubeconfig: resolved.kubeconfig,
              context: resolved.context,
              longhorn: resolved.longhorn,
              ...resolved.kube,
            })
          : undefined;
      const options = access
        ? {
            ...resolved,
            kubeconfig: access.kubeconfig,
            context: access.context,
            longhorn: access.longhorn ?? resolved.longhorn,
            kube: access.kube,
          }
        : resolved;
      const cluster =
        access?.clusterDir !== undefined && access.clusterSeed !== undefined
          ? { dir: access.clusterDir, seed: access.clusterSeed }
          : undefined;
      const repro = reproCommand({
        ...options,
        clusterDir: access?.clusterDir,
        clusterSeed: cluster?.seed,
        schedulePath: flags.schedule ? resolve(flags.schedule) : undefined,
      });
      const progress = progressWriter(io.stdout as NodeJS.WritableStream & { isTTY?: boolean });
      io.stdout.write(`repro: ${repro}\n`);
      if (access?.clusterDir) io.stdout.write(`cluster: ${access.clusterDir}\n`);
      const signals = abortOnSignals(
        () => progress.note('interrupted: healing faults and removing the run objects...'),
        () => progress.note('interrupted again: hurrying the teardown (processes get SIGKILL)...'),
      );
      try {
        // A fresh machine: build what this run starts before anything is written.
        const needed = toolsForRun(options);
        if (needed.length > 0) await ensureTools(io, needed, signals.signal);
        const result = await runChaos({
          ...options,
          cluster,
          repro,
          argv: process.argv.slice(2),
          signal: signals.signal,
          hurry: signals.hurry,
          onProgress: (p) => progress.update(p),
          onLog: (message) => progress.note(message),
        });
        progress.done();
        if (schedule) await writeScheduleRecord(result.runDir, schedule);
        const paths = await renderRunReports(result);
        if (access && result.verdict.valid !== true) {
          const artifacts = await collectKubeArtifacts(access, result.runDir);
          io.stdout.write(`cluster artifacts: ${artifacts.dir} (${artifacts.files.length} files)\n`);
          for (const e of artifacts.errors) io.stdout.write(`  not collected: ${e.part}: ${e.error}\n`);
        }
        printRunResult(io, result, paths);
        setExitCode(command, result.exitCode);
      } finally {
        signals.dispose();
        progress.done();
        await access?.close();
      }
    });
}
