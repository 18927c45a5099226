// #10740 through the simulator with the real fault proxy between it and MinIO, one seed at a time: what
// the deterministic test (race.test.ts) and the rate benchmark (race.ts) share. A visibility lag hides each
// seed's backing-image.cfg PUTs from listings, either for a fixed time (`lag: { ms }`, what a real store's
// lag looks like: whether a target sync falls inside it depends on timing, hence a rate) or, per backing
// image, until the BackupTarget controller has deleted its BBI as missing and a user-created BBI has taken
// its place (`lag: 'until-race'`: the #10740 sequence forced by state, as the runner's partial-sync
// scenario does, so the outcome does not depend on the machine's speed). Releasing at the deletion alone
// is not enough: the next sync would then pull the BBI from the store before anyone re-creates it, which
// is what prevents the stuck state (fixtures/simulator/README.md, "What decides the race").
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  LONGHORN_GROUP,
  LONGHORN_VERSION,
  PLURALS,
  type BackupBackingImage,
} from '../../fixtures/crds/index.js';
import type { S3Proxy } from '../../fault-injectors/index.js';
import type { EnvJson } from '../../fixtures/local/index.js';
import { runSystemBackupScenario, type ScenarioResult } from '../../fixtures/simulator/index.js';

export type Lag = { ms: number } | 'until-race';

export interface SeedOptions {
  env: EnvJson;
  proxy: S3Proxy;
  version: 'v1.8.1' | 'v1.9.0';
  seed: number;
  lag?: Lag;
  /** Longhorn time x factor. */
  factor: number;
  images: number;
  disks: number;
  plainVolumes: number;
  pollInterval: string;
  /** Sync hammer interval (real ms); 0 = none. */
  hammerMs: number;
  deadlineMs: number;
  stuckAfterMs: number;
  log?: boolean;
}

/** The simulator logs this when the BackupTarget controller deletes a BBI missing from the store. */
const RACE_DELETION = 'Deleting BackupBackingImage not exist in backupstore';

export async function runSeed(options: SeedOptions): Promise<ScenarioResult> {
  const { env, proxy, version, seed, lag } = options;
  const tag = `${version.replaceAll('.', '')}-${lag === undefined ? 'nolag' : lag === 'until-race' ? 'race' : 'lag'}-s${seed}`;
  const cfgKey = (image: string) => `${tag}/**/backing-images/backing-images/${image}/backing-image.cfg`;
  // The scenario names its backing images bi-1..bi-N.
  const images = Array.from({ length: options.images }, (_, i) => `bi-${i + 1}`);
  const rules = new Map<string, string>();
  if (lag === 'until-race') {
    for (const image of images) rules.set(image, `cfg-lag-${tag}-${image}`);
  } else if (lag !== undefined) {
    rules.set('*', `cfg-lag-${tag}`);
  }
  for (const [image, name] of rules) {
    await proxy.control.addRule({
      type: 'visibility-lag',
      name,
      // This seed's store prefix only: seeds run side by side on one proxy.
      match: { operations: ['PutObject'], key: cfgKey(image) },
      // Until the race: far longer than any run; the race ends it (and a cut-short run's finally).
      durationMs: lag === 'until-race' ? 30 * 60_000 : (lag as { ms: number }).ms,
    });
  }
  const released = new Map<string, Promise<unknown>>();
  const release = (image: string) => {
    const name = rules.get(image);
    if (name !== undefined && !released.has(image))
      released.set(
        image,
        proxy.control.deleteRule(name).catch(() => undefined),
      );
    return released.get(image);
  };
  const stop = new AbortController();
  const kc = new KubeConfig();
  kc.loadFromFile(env.kubeconfig);
  const api = kc.makeApiClient(CustomObjectsApi);
  /** Releases the image's lag once a user-created BBI other than the deleted one exists for it. */
  const releaseWhenRecreated = async (image: string, deleted: string) => {
    while (!stop.signal.aborted && !released.has(image)) {
      const list = (await api
        .listNamespacedCustomObject({
          group: LONGHORN_GROUP,
          version: LONGHORN_VERSION,
          namespace: tag,
          plural: PLURALS.BackupBackingImage,
        })
        .catch(() => ({ items: [] }))) as { items: BackupBackingImage[] };
      const recreated = list.items.some(
        (b) =>
          b.spec.backingImage === image &&
          b.spec.userCreated === true &&
          b.metadata.name !== deleted &&
          !b.metadata.deletionTimestamp,
      );
      if (recreated) await release(image);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const watching: Promise<void>[] = [];
  try {
    return await runSystemBackupScenario({
      kubeconfigPath: env.kubeconfig,
      namespace: tag,
      s3: { ...env.s3, endpoint: proxy.dataUrl },
      backupTargetURL: `s3://backupbucket@us-east-1/${tag}`,
      longhorn: version,
      seed,
      timeFactor: options.factor,
      backingImages: options.images,
      plainVolumes: options.plainVolumes,
      volumeBackup: { bytes: 8 * 1024 * 1024, bytesPerSecond: 4 * 1024 * 1024 },
      copies: options.disks,
      disks: Array.from({ length: options.disks }, (_, d) => ({ node: `node-${d + 1}`, disk: 'disk-1' })),
      pollInterval: options.pollInterval,
      syncEveryMs: options.hammerMs,
      deadlineMs: options.deadlineMs,
      stuckAfterMs: options.stuckAfterMs,
      log: (line) => {
        if (lag === 'until-race' && line.msg === RACE_DELETION) {
          watching.push(releaseWhenRecreated(String(line.backingImage), String(line.backupBackingImage)));
        }
        if (options.log) console.error(JSON.stringify({ tag, ...line }));
      },
    });
  } finally {
    stop.abort();
    await Promise.all(watching);
    for (const image of rules.keys()) await release(image);
  }
}

/** Runs `count` seeds (1..count), `parallel` at a time. */
export async function inBatches<T>(
  count: number,
  parallel: number,
  run: (seed: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, k) => run(start + k + 1));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

export function describeSeeds(results: ScenarioResult[]): string {
  return results
    .map(
      (r, i) =>
        `seed ${i + 1}: ${r.outcome} (${r.systemBackupState}, deletions ${r.raceDeletions}, waited on deleted [${r.waitedOnDeleted.join(',')}], ${r.elapsedMs} ms) ${r.bbis.map((b) => `${b.name}:${b.state}/${b.progress}`).join(' ')}`,
    )
    .join('\n');
}
