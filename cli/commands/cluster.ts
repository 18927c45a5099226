// lhchaos cluster up|down|status|forward: a kind cluster (or an existing one) with Longhorn pinned, MinIO,
// the fault proxy and the backing-image server (fixtures/kind), and the port-forwards a kube run needs.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { Option, type Command } from 'commander';
import { ExitCode, UsageError, parseSeed, randomSeed, systemClock, type Clock } from '../../common/index.js';
import {
  DEFAULT_CLUSTER_NAME,
  DEFAULT_LONGHORN,
  LONGHORN_RELEASES,
  ProcessExecutor,
  clusterDown,
  clusterUp,
  collectClusterArtifacts,
  openProxyControl,
  openClusterAccess,
  parseLonghornRelease,
  readClusterJson,
  type ClusterJson,
  type Executor,
} from '../../fixtures/kind/index.js';
import { locateTool } from '../../fixtures/toolchain/index.js';
import type { CliIo } from '../io.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What tests replace: Docker and kind cannot run on the development machines. */
export interface ClusterDeps {
  executor: Executor;
  clock: Clock;
  locateKind: () => Promise<string>;
  /** Resolves when `forward` should close its port-forwards (default: SIGINT/SIGTERM). */
  untilStopped?: () => Promise<void>;
}

interface CommonFlags {
  name: string;
  dir?: string;
}
interface UpFlags extends CommonFlags {
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

const NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

function dirOf(flags: CommonFlags): string {
  if (!NAME.test(flags.name))
    throw new UsageError(
      `--name: '${flags.name}' is not a valid kind cluster name (lowercase letters, digits, '-')`,
    );
  return resolve(flags.dir ?? join('.lhchaos', `cluster-${flags.name}`));
}

function kubeConfigOf(recorded: ClusterJson): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(recorded.kubeconfig);
  if (recorded.context) kubeConfig.setCurrentContext(recorded.context);
  return kubeConfig;
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** cluster.json for people: no credentials. */
function describeCluster(cluster: ClusterJson): string {
  return [
    `cluster ${cluster.name} (${cluster.mode}) in ${cluster.dir}`,
    `  kubeconfig ${cluster.kubeconfig}${cluster.context ? ` (context ${cluster.context})` : ''}`,
    `  Longhorn ${cluster.longhorn.version} in ${cluster.longhorn.namespace}`,
    `  backup target ${cluster.backupTargetURL} through ${cluster.proxy.data.service}.${cluster.proxy.data.namespace}:${cluster.proxy.data.port}`,
    `  proxy control ${cluster.proxy.control.service}.${cluster.proxy.control.namespace}:${cluster.proxy.control.port} (seed ${cluster.seed})`,
    `  MinIO ${cluster.minio.service}.${cluster.minio.namespace}:${cluster.minio.port} bucket ${cluster.minio.bucket}`,
    `  backing images ${cluster.backingImageUrl}`,
    '',
  ].join('\n');
}

export function registerCluster(program: Command, io: CliIo, deps?: Partial<ClusterDeps>): void {
  const executor = deps?.executor ?? new ProcessExecutor();
  const clock = deps?.clock ?? systemClock;
  const locateKind =
    deps?.locateKind ??
    (() =>
      locateTool('kind', { install: true, onProgress: (p) => io.stderr.write(`${JSON.stringify(p)}\n`) }));
  const progress = (message: string) => io.stderr.write(`cluster: ${message}\n`);
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

  cluster
    .command('up')
    .description('create (or complete) the cluster; safe to repeat')
    .option('--name <name>', 'kind cluster name', DEFAULT_CLUSTER_NAME)
    .addOption(
      new Option('--longhorn <version>', 'Longhorn release to install')
        .choices([...LONGHORN_RELEASES])
        .default(DEFAULT_LONGHORN),
    )
    .option('--kubeconfig-out <file>', 'where kind writes the kubeconfig (default DIR/kubeconfig)')
    .option('--dir <dir>', 'where cluster.json goes (default .lhchaos/cluster-NAME)')
    .option('--seed <n>', 'seed of the proxy and the backing-image data (default: random, recorded)')
    .option('--node-image <image>', 'override the pinned kind node image')
    .option('--poll-interval <d>', 'BackupTarget pollInterval (Go duration)', '30s')
    .option('--rebuild', 'rebuild the tools and MinIO images even when present')
    .option('--existing', 'use the cluster of --kubeconfig instead of creating a kind cluster')
    .option('--kubeconfig <file>', '--existing: kubeconfig of the cluster')
    .option('--context <name>', '--existing: kubeconfig context')
    .option('--tools-image <image>', 'tools image (proxy, helpers); required with --existing')
    .option('--minio-image <image>', 'MinIO image; required with --existing')
    .action(async (flags: UpFlags) => {
      const dir = dirOf(flags);
      const longhorn = parseLonghornRelease(flags.longhorn);
      const seed = flags.seed === undefined ? randomSeed() : parseSeed(flags.seed, '--seed');
      if (!/^\d+(ms|s|m|h)$/.test(flags.pollInterval ?? ''))
        throw new UsageError(
          `--poll-interval: expected a Go duration such as 30s, got '${flags.pollInterval}'`,
        );
      const kubeconfig = flags.existing ? flags.kubeconfig : (flags.kubeconfigOut ?? join(dir, 'kubeconfig'));
      if (!kubeconfig) throw new UsageError('--existing: --kubeconfig is required');
      if (!flags.existing && (flags.kubeconfig || flags.context))
        throw new UsageError(
          '--kubeconfig/--context: only with --existing (kind writes its own, see --kubeconfig-out)',
        );
      const created = await clusterUp({
        mode: flags.existing ? 'existing' : 'kind',
        name: flags.name,
        dir,
        kubeconfig: resolve(kubeconfig),
        context: flags.context,
        longhorn,
        seed,
        executor,
        clock,
        kindBinary: flags.existing ? 'kind' : await locateKind(),
        repoRoot: REPO_ROOT,
        kindConfigPath: join(REPO_ROOT, 'kind-config.yaml'),
        nodeImage: flags.nodeImage,
        toolsImage: flags.toolsImage,
        minioImage: flags.minioImage,
        rebuild: flags.rebuild,
        pollInterval: flags.pollInterval,
        onProgress: progress,
      });
      io.stdout.write(describeCluster(created));
      io.stdout.write(
        `next: lhchaos cluster forward --name ${created.name}  (then lhchaos run --env kube ...)\n`,
      );
    });

  cluster
    .command('down')
    .description('remove what up created (the whole kind cluster; with --existing only our objects)')
    .option('--name <name>', 'kind cluster name', DEFAULT_CLUSTER_NAME)
    .option('--dir <dir>', 'where cluster.json is (default .lhchaos/cluster-NAME)')
    .action(async (flags: CommonFlags) => {
      const { removed } = await clusterDown({
        name: flags.name,
        dir: dirOf(flags),
        executor,
        clock,
        kindBinary: await locateKind(),
        onProgress: progress,
      });
      io.stdout.write(
        removed.length ? `removed: ${removed.join(', ')}\n` : `nothing to remove for ${flags.name}\n`,
      );
    });

  cluster
    .command('status')
    .description('what cluster.json records (no credentials)')
    .option('--name <name>', 'kind cluster name', DEFAULT_CLUSTER_NAME)
    .option('--dir <dir>', 'where cluster.json is (default .lhchaos/cluster-NAME)')
    .action(async (flags: CommonFlags) => {
      io.stdout.write(describeCluster(await readClusterJson(dirOf(flags))));
    });

  cluster
    .command('forward')
    .description(
      'port-forward the proxy control API and MinIO; print LHCHAOS_* settings for run --env kube; hold until stopped',
    )
    .option('--name <name>', 'kind cluster name', DEFAULT_CLUSTER_NAME)
    .option('--dir <dir>', 'where cluster.json is (default .lhchaos/cluster-NAME)')
    .action(async (flags: CommonFlags) => {
      const recorded = await readClusterJson(dirOf(flags));
      const access = await openClusterAccess(kubeConfigOf(recorded), recorded);
      try {
        io.stdout.write(
          [
            'LHCHAOS_ENV=kube',
            `LHCHAOS_KUBECONFIG=${recorded.kubeconfig}`,
            ...(recorded.context ? [`LHCHAOS_CONTEXT=${recorded.context}`] : []),
            `LHCHAOS_LONGHORN=${access.longhornVersion}`,
            `LHCHAOS_PROXY_CONTROL_URL=${access.proxyControlUrl}`,
            `LHCHAOS_MINIO_ENDPOINT=${access.store.endpoint}`,
            `LHCHAOS_MINIO_ACCESS_KEY=${access.store.accessKey}`,
            `LHCHAOS_MINIO_SECRET_KEY=${access.store.secretKey}`,
            `LHCHAOS_MINIO_BUCKET=${access.store.bucket}`,
            `LHCHAOS_MINIO_REGION=${access.store.region}`,
            // Longhorn downloads backing images from inside the cluster (the runner's kube target takes it).
            `LHCHAOS_BACKING_IMAGE_URL=${access.backingImageUrl}`,
            '',
          ].join('\n'),
        );
        await (deps?.untilStopped ?? untilSignal)();
      } finally {
        await access.close();
      }
    });

  cluster
    .command('artifacts')
    .description(
      'dump Longhorn CRs, proxy rules and decisions, manager and backing-image-manager logs into DIR',
    )
    .requiredOption('--out <dir>', 'where to write them')
    .option('--name <name>', 'kind cluster name', DEFAULT_CLUSTER_NAME)
    .option('--dir <dir>', 'where cluster.json is (default .lhchaos/cluster-NAME)')
    .option('--support-bundle', 'also ask Longhorn for a support bundle (minutes)')
    .action(async (flags: CommonFlags & { out: string; supportBundle?: boolean }) => {
      const recorded = await readClusterJson(dirOf(flags));
      const kubeConfig = kubeConfigOf(recorded);
      const control = await openProxyControl(kubeConfig, {
        ...recorded.proxy.control,
        token: recorded.proxy.token,
      });
      try {
        const index = await collectClusterArtifacts(kubeConfig, resolve(flags.out), {
          namespace: recorded.longhorn.namespace,
          proxyControlUrl: control.url,
          supportBundle: flags.supportBundle,
          clock,
        });
        io.stdout.write(`${index.files.length} files in ${resolve(flags.out)}\n`);
        for (const e of index.errors) io.stderr.write(`not collected: ${e.part}: ${e.error}\n`);
      } finally {
        await control.close();
      }
    });
}
