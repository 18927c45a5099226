// lhchaos cluster up|down|status|forward|artifacts: a kind cluster (or an existing one) with Longhorn
// pinned, MinIO, the fault proxy and the backing-image server (fixtures/kind), and the port-forwards a kube
// run needs. This file declares the flags; cluster-actions.ts does the work and is loaded only then.
import { Option, type Command } from 'commander';
import { ExitCode, type Clock } from '../../common/index.js';
import type { Executor } from '../../fixtures/kind/index.js';
// Only the pins (no Kubernetes client): the flags' defaults and choices are shown by --help.
import { DEFAULT_CLUSTER_NAME, DEFAULT_LONGHORN, LONGHORN_RELEASES } from '../../fixtures/kind/pins.js';
import type { CliIo } from '../io.js';

/** What tests replace: Docker and kind cannot run on the development machines. */
export interface ClusterDeps {
  executor: Executor;
  clock: Clock;
  locateKind: () => Promise<string>;
  /** Resolves when `forward` should close its port-forwards (default: SIGINT/SIGTERM). */
  untilStopped?: () => Promise<unknown>;
}

export interface CommonFlags {
  name: string;
  dir?: string;
}
export interface UpFlags extends CommonFlags {
  longhorn: string;
  kubeconfigOut?: string;
  seed?: string;
  nodeImage?: string;
  existing?: boolean;
  kubeconfig?: string;
  context?: string;
  toolsImage?: string;
  minioImage?: string;
  pollInterval?: string;
  rebuild?: boolean;
}
export interface ArtifactsFlags extends CommonFlags {
  out: string;
  supportBundle?: boolean;
}

const actions = () => import('./cluster-actions.js');

/** `--name` and `--dir`, which every subcommand takes. */
function clusterOptions(command: Command): Command {
  return command
    .option('--name <name>', 'kind cluster name', DEFAULT_CLUSTER_NAME)
    .option('--dir <dir>', 'where cluster.json is (default .lhchaos/cluster-NAME)');
}

export function registerCluster(program: Command, io: CliIo, deps?: Partial<ClusterDeps>): void {
  const context = { io, deps };
  const cluster = program
    .command('cluster')
    .description(
      'kind cluster (or an existing one) with Longhorn pinned, MinIO and the fault proxy in-cluster',
    )
    .usage('<up|down|status|forward|artifacts> [options]')
    .argument('[subcommand]')
    .action((subcommand: string | undefined) => {
      const what =
        subcommand === undefined ? 'a subcommand is required' : `unknown subcommand '${subcommand}'`;
      cluster.error(`lhchaos cluster: ${what} (expected up, down, status, forward or artifacts)`, {
        exitCode: ExitCode.usage,
        code: 'lhchaos.usage',
      });
    });

  clusterOptions(cluster.command('up').description('create (or complete) the cluster; safe to repeat'))
    .addOption(
      new Option('--longhorn <version>', 'Longhorn release to install')
        .choices([...LONGHORN_RELEASES])
        .default(DEFAULT_LONGHORN),
    )
    .option('--kubeconfig-out <file>', 'where kind writes the kubeconfig (default DIR/kubeconfig)')
    .option('--seed <n>', 'seed of the proxy and the backing-image data (default: random, recorded)')
    .option('--node-image <image>', 'override the pinned kind node image')
    .option('--poll-interval <d>', 'BackupTarget pollInterval (Go duration)', '30s')
    .option('--rebuild', 'rebuild the tools and MinIO images even when present')
    .option('--existing', 'use the cluster of --kubeconfig instead of creating a kind cluster')
    .option('--kubeconfig <file>', '--existing: kubeconfig of the cluster')
    .option('--context <name>', '--existing: kubeconfig context')
    .option('--tools-image <image>', 'tools image (proxy, helpers); required with --existing')
    .option('--minio-image <image>', 'MinIO image; required with --existing')
    .action(async (flags: UpFlags) => (await actions()).up(flags, context));

  clusterOptions(
    cluster
      .command('down')
      .description('remove what up created (the whole kind cluster; with --existing only our objects)'),
  ).action(async (flags: CommonFlags) => (await actions()).down(flags, context));

  clusterOptions(cluster.command('status').description('what cluster.json records (no credentials)')).action(
    async (flags: CommonFlags) => (await actions()).status(flags, context),
  );

  clusterOptions(
    cluster
      .command('forward')
      .description(
        'port-forward the proxy control API and MinIO; print LHCHAOS_* settings for run --env kube; hold until stopped',
      ),
  ).action(async (flags: CommonFlags) => (await actions()).forward(flags, context));

  clusterOptions(
    cluster
      .command('artifacts')
      .description(
        'dump Longhorn CRs, proxy rules and decisions, manager and backing-image-manager logs into DIR',
      )
      .requiredOption('--out <dir>', 'where to write them'),
  )
    .option('--support-bundle', 'also ask Longhorn for a support bundle (minutes)')
    .action(async (flags: ArtifactsFlags) => (await actions()).artifacts(flags, context));
}
