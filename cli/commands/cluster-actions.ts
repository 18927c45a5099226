// What `lhchaos cluster up|down|status|forward|artifacts` do, loaded only when one of them runs (the flags
// are in cluster.ts, so `lhchaos --help` does not load the kind fixtures and the Kubernetes client).
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError, parseSeed, randomSeed, systemClock } from '../../common/index.js';
import {
  ProcessExecutor,
  clusterDown,
  clusterUp,
  collectClusterArtifacts,
  openProxyControl,
  openClusterAccess,
  parseLonghornRelease,
  readClusterJson,
  type ClusterJson,
} from '../../fixtures/kind/index.js';
import { locateTool } from '../../fixtures/toolchain/index.js';
import { untilStopped, type CliIo } from '../io.js';
import { repoRoot } from '../repo-root.js';
import type { ArtifactsFlags, ClusterDeps, CommonFlags, UpFlags } from './cluster.js';

const NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** The context of one cluster command: its output and what tests replace. */
export interface ClusterContext {
  io: CliIo;
  deps?: Partial<ClusterDeps>;
}

function dependencies({ io, deps }: ClusterContext): ClusterDeps {
  return {
    executor: deps?.executor ?? new ProcessExecutor(),
    clock: deps?.clock ?? systemClock,
    locateKind:
      deps?.locateKind ??
      (() =>
        locateTool('kind', { install: true, onProgress: (p) => io.stderr.write(`${JSON.stringify(p)}\n`) })),
    untilStopped: deps?.untilStopped ?? (() => untilStopped()),
  };
}

const progressTo = (io: CliIo) => (message: string) => io.stderr.write(`cluster: ${message}\n`);

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

/** The flags of `up` checked and resolved, before anything is created. */
function upSettings(flags: UpFlags) {
  const dir = dirOf(flags);
  const longhorn = parseLonghornRelease(flags.longhorn);
  const seed = flags.seed === undefined ? randomSeed() : parseSeed(flags.seed, '--seed');
  if (!/^\d+(ms|s|m|h)$/.test(flags.pollInterval ?? ''))
    throw new UsageError(`--poll-interval: expected a Go duration such as 30s, got '${flags.pollInterval}'`);
  const kubeconfig = flags.existing ? flags.kubeconfig : (flags.kubeconfigOut ?? join(dir, 'kubeconfig'));
  if (!kubeconfig) throw new UsageError('--existing: --kubeconfig is required');
  if (!flags.existing && (flags.kubeconfig || flags.context))
    throw new UsageError(
      '--kubeconfig/--context: only with --existing (kind writes its own, see --kubeconfig-out)',
    );
  return { dir, longhorn, seed, kubeconfig: resolve(kubeconfig) };
}

export async function up(flags: UpFlags, context: ClusterContext): Promise<void> {
  const settings = upSettings(flags);
  const { executor, clock, locateKind } = dependencies(context);
  const root = repoRoot();
  const created = await clusterUp({
    mode: flags.existing ? 'existing' : 'kind',
    name: flags.name,
    ...settings,
    context: flags.context,
    executor,
    clock,
    kindBinary: flags.existing ? 'kind' : await locateKind(),
    repoRoot: root,
    kindConfigPath: join(root, 'kind-config.yaml'),
    nodeImage: flags.nodeImage,
    toolsImage: flags.toolsImage,
    minioImage: flags.minioImage,
    rebuild: flags.rebuild,
    pollInterval: flags.pollInterval,
    onProgress: progressTo(context.io),
  });
  context.io.stdout.write(describeCluster(created));
  context.io.stdout.write(
    `next: lhchaos cluster forward --name ${created.name}  (then lhchaos run --env kube ...)\n`,
  );
}

export async function down(flags: CommonFlags, context: ClusterContext): Promise<void> {
  const { executor, clock, locateKind } = dependencies(context);
  const { removed } = await clusterDown({
    name: flags.name,
    dir: dirOf(flags),
    executor,
    clock,
    kindBinary: await locateKind(),
    onProgress: progressTo(context.io),
  });
  context.io.stdout.write(
    removed.length ? `removed: ${removed.join(', ')}\n` : `nothing to remove for ${flags.name}\n`,
  );
}

export async function status(flags: CommonFlags, context: ClusterContext): Promise<void> {
  context.io.stdout.write(describeCluster(await readClusterJson(dirOf(flags))));
}

export async function forward(flags: CommonFlags, context: ClusterContext): Promise<void> {
  const recorded = await readClusterJson(dirOf(flags));
  const access = await openClusterAccess(kubeConfigOf(recorded), recorded);
  try {
    context.io.stdout.write(
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
    await dependencies(context).untilStopped?.();
  } finally {
    await access.close();
  }
}

export async function artifacts(flags: ArtifactsFlags, context: ClusterContext): Promise<void> {
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
      clock: dependencies(context).clock,
    });
    context.io.stdout.write(`${index.files.length} files in ${resolve(flags.out)}\n`);
    for (const e of index.errors) context.io.stderr.write(`not collected: ${e.part}: ${e.error}\n`);
  } finally {
    await control.close();
  }
}
