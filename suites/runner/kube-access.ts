// How `run --env kube` reaches what `lhchaos cluster up` built: flags and LHCHAOS_* first, the rest from
// the cluster directory's cluster.json (port-forwards to the proxy control port and MinIO, the in-cluster
// backing-image URL, the kubeconfig and context), and the cluster artifacts after a failed run.
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from '../../common/index.js';
import {
  collectClusterArtifacts,
  openClusterAccess,
  readClusterJsonIfPresent,
  type ArtifactIndex,
  type ArtifactOptions,
  type ClusterAccess,
  type ClusterJson,
} from '../../fixtures/kind/index.js';
import type { StoreAccess } from './target.js';

export interface KubeAccessOptions {
  /** The `cluster up` directory; read only for what the flags below leave open. */
  clusterDir?: string;
  kubeconfig?: string;
  context?: string;
  proxyControlUrl?: string;
  store?: StoreAccess;
  backingImageUrl?: string;
  /** `unknown` (or absent) takes the version cluster.json recorded. */
  longhorn?: string;
  /** Opens the port-forwards (default openClusterAccess); tests pass a stand-in, as no cluster runs here. */
  forward?: (kubeConfig: KubeConfig, cluster: ClusterJson) => Promise<ClusterAccess>;
}

export interface KubeAccess {
  kubeconfig?: string;
  context?: string;
  longhorn?: string;
  kube: { proxyControlUrl?: string; store?: StoreAccess; backingImageUrl?: string };
  /** The cluster directory that was used, if any. */
  clusterDir?: string;
  /** The seed `cluster up` recorded there (the run replaces it with its own: meta.json `cluster`). */
  clusterSeed?: number;
  /** Closes the port-forwards (nothing when none were opened). */
  close(): Promise<void>;
}

function loadKubeConfig(kubeconfig: string | undefined, context: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (kubeconfig) kubeConfig.loadFromFile(kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    throw new UsageError(`--kubeconfig: cannot load ${kubeconfig ?? 'the default kubeconfig'}`, {
      cause: error,
    });
  }
  if (context) {
    if (!kubeConfig.getContextObject(context))
      throw new UsageError(`--context: no context '${context}' in the kubeconfig`);
    kubeConfig.setCurrentContext(context);
  }
  return kubeConfig;
}

export async function openKubeAccess(options: KubeAccessOptions): Promise<KubeAccess> {
  const given: KubeAccess = {
    kubeconfig: options.kubeconfig,
    context: options.context,
    longhorn: options.longhorn,
    kube: {
      proxyControlUrl: options.proxyControlUrl,
      store: options.store,
      backingImageUrl: options.backingImageUrl,
    },
    close: async () => {},
  };
  if (options.proxyControlUrl && options.store) return given;
  const dir = options.clusterDir;
  const cluster = dir === undefined ? undefined : await readClusterJsonIfPresent(dir);
  if (!dir || !cluster) {
    throw new UsageError(
      `--cluster-dir: no cluster.json in ${dir ?? '(none given)'}; run \`lhchaos cluster up\` first, ` +
        'or give --proxy-control and --minio (LHCHAOS_PROXY_CONTROL_URL, LHCHAOS_MINIO_*)',
    );
  }
  const kubeconfig = options.kubeconfig ?? cluster.kubeconfig;
  const context = options.context ?? (options.kubeconfig ? undefined : cluster.context);
  const kubeConfig = loadKubeConfig(kubeconfig, context);
  const access = await (options.forward ?? openClusterAccess)(kubeConfig, cluster);
  return {
    kubeconfig,
    context,
    longhorn: !options.longhorn || options.longhorn === 'unknown' ? access.longhornVersion : options.longhorn,
    kube: {
      proxyControlUrl: options.proxyControlUrl ?? access.proxyControlUrl,
      store: options.store ?? access.store,
      backingImageUrl: options.backingImageUrl ?? access.backingImageUrl,
    },
    clusterDir: dir,
    clusterSeed: cluster.seed,
    close: () => access.close(),
  };
}

/**
 * After a false or unknown verdict: CR dumps, proxy rules and decisions, Longhorn logs into
 * `<runDir>/cluster`. Failures are listed in the index, never thrown.
 */
export async function collectKubeArtifacts(
  access: Pick<KubeAccess, 'kubeconfig' | 'context' | 'kube'>,
  runDir: string,
  collect: (
    kubeConfig: KubeConfig,
    dir: string,
    options: ArtifactOptions,
  ) => Promise<ArtifactIndex> = collectClusterArtifacts,
): Promise<ArtifactIndex & { dir: string }> {
  const dir = join(runDir, 'cluster');
  try {
    const kubeConfig = loadKubeConfig(access.kubeconfig, access.context);
    return { ...(await collect(kubeConfig, dir, { proxyControlUrl: access.kube.proxyControlUrl })), dir };
  } catch (error) {
    return { files: [], errors: [{ part: 'all', error: (error as Error).message }], dir };
  }
}
