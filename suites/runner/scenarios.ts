// The scenario catalogue: each scenario is a workload size, a fault schedule (rules armed in the faults
// phase, reactive triggers, cluster faults, the sync hammer) and the fault class that picks its
// invariants. Times are in Longhorn seconds (`T`), scaled by the run's time factor.
import { UsageError } from '../../common/index.js';
import type { ClusterFaultName } from '../../fault-injectors/cluster/index.js';
import type { RuleSpec } from '../../fault-injectors/s3-proxy/types.js';
import {
  ITERATION_LABEL,
  RUN_LABEL,
  SCENARIO_LABEL,
  type FaultClass,
  type ObservedObject,
} from '../../record/index.js';

/** Longhorn's store keys under the test target URL (docs/longhorn.md#layout). */
export const KEYS = {
  backingImageCfg: '**/backing-images/backing-images/*/backing-image.cfg',
  backingImageListing: 'backing-images/backing-images/?$',
  backingImageAny: '**/backing-images/**',
  lockObjects: '**/volumes/*/*/BACKINGIMAGE/locks/*',
  /** Blocks and cfgs of the run's volumes (names start with `vol-`). */
  volumeData: '**/volumes/*/*/vol-*/**',
} as const;

/** A watched state that arms a fault when a run object enters it. */
export type TriggerCondition =
  | { kind: 'BackupBackingImage'; on: 'created' }
  | { kind: 'BackupBackingImage'; on: 'state'; state: string }
  | { kind: 'SystemBackup'; on: 'created' }
  | { kind: 'SystemBackup'; on: 'state'; state: string };

export interface ReactiveTrigger {
  name: string;
  when: TriggerCondition;
  /**
   * A proxy rule to arm (named uniquely per firing), kept for `forT` Longhorn seconds; `undefined` arms
   * nothing for this subject (a schedule narrowed to one object's requests).
   */
  rule?: (ctx: ScheduleContext, subject: string) => RuleSpec | undefined;
  /** A cluster fault to apply. */
  clusterFault?: ClusterFaultName;
  forT?: number;
  /** As forT, computed (wins over forT). */
  forMs?: (ctx: ScheduleContext) => number;
  /** Release the rule once this holds (checked on every recorded event). */
  releaseWhen?: (view: TriggerView, subject: string) => boolean;
  /** At most this many firings per scenario. */
  maxFirings: number;
}

/** The latest version of every watched object, as the history saw it (for trigger conditions). */
export interface TriggerView {
  get(kind: string, name: string): ObservedObject | undefined;
  list(kind: string): ObservedObject[];
  /** Objects of this kind seen deleted (their last state). */
  deleted(kind: string): ObservedObject[];
}

/** A BBI of the backing image was deleted and a user-created one exists again. */
export function recreatedAfterDeletion(view: TriggerView, image: string): boolean {
  const ofImage = (o: ObservedObject) => o.spec?.backingImage === image;
  return (
    view.deleted('BackupBackingImage').some(ofImage) &&
    view.list('BackupBackingImage').some((o) => ofImage(o) && o.spec?.userCreated === true)
  );
}

/** All volume Backups of the system backup's iteration are Completed (or it left CreatingVolumeBackups). */
export function volumeBackupsDone(view: TriggerView, systemBackup: string): boolean {
  const sb = view.get('SystemBackup', systemBackup);
  if (!sb) return true;
  if (sb.status?.state !== undefined && sb.status.state !== 'CreatingVolumeBackups' && sb.status.state !== '')
    return true;
  const labels = sb.metadata.labels ?? {};
  const volumes = new Set(
    view
      .list('Volume')
      .filter(
        (v) =>
          v.metadata.labels?.[RUN_LABEL] === labels[RUN_LABEL] &&
          v.metadata.labels?.[ITERATION_LABEL] === labels[ITERATION_LABEL] &&
          v.metadata.labels?.[SCENARIO_LABEL] === labels[SCENARIO_LABEL],
      )
      .map((v) => v.metadata.name),
  );
  const backups = view.list('Backup').filter((b) => volumes.has(String(b.status?.volumeName ?? '')));
  const done = new Set(
    backups.filter((b) => b.status?.state === 'Completed').map((b) => String(b.status?.volumeName)),
  );
  return volumes.size > 0 && [...volumes].every((v) => done.has(v));
}

export interface ScheduleContext {
  /** Milliseconds of one Longhorn second in this run. */
  T: number;
  timeFactor: number;
  /** Resolution of Longhorn's sync timestamps (RFC 3339 seconds), which no time factor scales. */
  syncResolutionMs: number;
  /**
   * Milliseconds of a Longhorn second for the backing-image-manager: T with the model, 1000 with
   * Longhorn's own, which runs in real time whatever the time factor.
   */
  bimT: number;
}

export interface Scenario {
  name: string;
  description: string;
  faultClass: FaultClass;
  /** Rules armed for the whole faults phase. */
  rules: (ctx: ScheduleContext) => RuleSpec[];
  triggers: ReactiveTrigger[];
  /** Bump BackupTarget.spec.syncRequestedAt every [min, max] Longhorn seconds during the faults phase. */
  syncHammer?: { minT: number; maxT: number };
  /** BackupTarget pollInterval during the run (restored afterwards). */
  pollInterval?: string;
  backingImages: number;
  volumesPerImage: number;
  concurrentVolumeBackups?: boolean;
  /** Set for calibration scenarios that must end `unknown` (their faults are aimed where nothing goes). */
  expectUnknown?: boolean;
}

const lagged = (ctx: ScheduleContext, durationT: number) => Math.round(durationT * ctx.T);

export const SCENARIOS: Scenario[] = [
  {
    name: 'partial-sync',
    description:
      'while a system backup creates its volume backups, backing-image.cfg PUTs stay out of listings for 20 s and ' +
      'the sync hammer keeps the BackupTarget controller listing: the #10740 race (BBI deleted mid-upload, ' +
      're-created, second upload skipped); volume backups are slowed so the window stays open',
    faultClass: 'benign',
    rules: (ctx) => [
      {
        type: 'latency',
        name: 'slow-volume-backups',
        match: { operations: ['PutObject'], key: KEYS.volumeData },
        // Long enough that the volume backups outlast the lag window below by several target syncs.
        delayMs: Math.max(Math.round(5 * ctx.T), Math.round(1.5 * ctx.syncResolutionMs)),
      },
    ],
    triggers: [
      {
        // Reactive, per backing image: when its first BBI appears, its cfg is kept out of listings until
        // the BackupTarget controller has deleted that BBI and the BackupController has re-created it
        // (the #10740 sequence); then the lag ends at once, so the re-created BBI survives the next sync.
        name: 'cfg-lag-until-recreated',
        when: { kind: 'BackupBackingImage', on: 'created' },
        rule: (ctx, image) => ({
          type: 'visibility-lag',
          name: `cfg-lag-${image}`.slice(0, 60),
          match: {
            operations: ['PutObject'],
            key: `**/backing-images/backing-images/${image}/backing-image.cfg`,
          },
          durationMs: Math.max(120 * ctx.T, 20 * ctx.syncResolutionMs),
        }),
        // Until released by state; the bound only keeps a run whose BIM never writes the cfg from lagging on.
        forMs: (ctx) => Math.max(60 * ctx.T, 10 * ctx.syncResolutionMs, 60 * ctx.bimT),
        releaseWhen: recreatedAfterDeletion,
        maxFirings: 10_000,
      },
    ],
    syncHammer: { minT: 1, maxT: 3 },
    pollInterval: '10s',
    backingImages: 4,
    volumesPerImage: 1,
  },
  {
    name: 'stale-listing',
    description:
      'listings answered as of 10 s ago while the sync hammer runs: new cfgs are missed by the sync',
    faultClass: 'benign',
    rules: (ctx) => [
      {
        type: 'stale-listing',
        name: 'stale-listings',
        match: { operations: ['ListObjects', 'ListObjectsV2'] },
        ageMs: lagged(ctx, 10),
      },
    ],
    triggers: [],
    syncHammer: { minT: 2, maxT: 5 },
    pollInterval: '10s',
    backingImages: 2,
    volumesPerImage: 1,
  },
  {
    name: 'delete-lag',
    description: 'deleted keys (lock files, temporary objects) keep appearing in listings for 10 s',
    faultClass: 'benign',
    rules: (ctx) => [
      {
        type: 'delete-lag',
        name: 'delete-lag',
        match: { operations: ['DeleteObject'] },
        durationMs: lagged(ctx, 10),
      },
    ],
    triggers: [],
    syncHammer: { minT: 3, maxT: 6 },
    backingImages: 2,
    volumesPerImage: 1,
  },
  {
    name: 'latency',
    description: 'half of the requests to the backing-image keys and the locks are delayed by 0.5-1.5 s',
    faultClass: 'benign',
    rules: (ctx) => [
      {
        type: 'latency',
        name: 'store-latency',
        match: { key: KEYS.backingImageAny },
        delayMs: Math.max(10, Math.round(ctx.T)),
        jitterMs: Math.max(5, Math.round(0.5 * ctx.T)),
        probability: 0.5,
      },
    ],
    triggers: [],
    backingImages: 2,
    volumesPerImage: 1,
  },
  {
    name: 'throttle',
    description: 'uploads throttled to 64 KiB per Longhorn second: slow but must finish',
    faultClass: 'benign',
    rules: (ctx) => [
      {
        type: 'throttle',
        name: 'upload-throttle',
        match: { operations: ['PutObject', 'UploadPart'] },
        // Scaled like every other timing: a 2 MiB block takes 32 Longhorn seconds, inside the stall window.
        bytesPerSecond: Math.round((64 * 1024) / ctx.timeFactor),
      },
    ],
    triggers: [],
    backingImages: 1,
    volumesPerImage: 1,
  },
  {
    name: 'errors',
    description:
      'SlowDown on 20% of PUTs, InternalError on 30% of GET/HEAD, connection resets on 30% of listings',
    faultClass: 'destructive',
    rules: () => [
      {
        type: 'error',
        name: 'put-slowdown',
        match: { operations: ['PutObject'] },
        code: 'SlowDown',
        probability: 0.2,
        maxCount: 30,
      },
      {
        type: 'error',
        name: 'read-internal',
        match: { operations: ['GetObject', 'HeadObject'] },
        code: 'InternalError',
        probability: 0.3,
        maxCount: 30,
      },
      {
        type: 'error',
        name: 'list-reset',
        match: { operations: ['ListObjects', 'ListObjectsV2'] },
        mode: 'reset',
        probability: 0.3,
        maxCount: 20,
      },
    ],
    triggers: [],
    syncHammer: { minT: 2, maxT: 5 },
    backingImages: 2,
    volumesPerImage: 1,
  },
  {
    name: 'list-errors',
    description:
      'listings of backing-images/backing-images/ answer InternalError half the time: Longhorn swallows that ' +
      'error into an empty list, and the BackupTarget controller then deletes every BBI of the target',
    faultClass: 'destructive',
    rules: () => [
      {
        type: 'error',
        name: 'bbi-listing-errors',
        match: { operations: ['ListObjects', 'ListObjectsV2'], keyRegex: KEYS.backingImageListing },
        code: 'InternalError',
        probability: 0.5,
      },
    ],
    triggers: [],
    syncHammer: { minT: 2, maxT: 4 },
    pollInterval: '10s',
    backingImages: 2,
    volumesPerImage: 1,
  },
  {
    name: 'bim-restart',
    description:
      'the backing-image-managers restart when a BackupBackingImage is created: their in-memory backup lists are lost',
    faultClass: 'destructive',
    rules: () => [],
    triggers: [
      {
        name: 'restart-bim-on-bbi-created',
        when: { kind: 'BackupBackingImage', on: 'created' },
        clusterFault: 'restart-backing-image-manager',
        maxFirings: 1,
      },
    ],
    syncHammer: { minT: 2, maxT: 4 },
    backingImages: 2,
    volumesPerImage: 1,
  },
  {
    name: 'misaimed',
    description:
      'calibration: a latency rule aimed at a prefix Longhorn never touches; a fault that never fires must make the verdict unknown',
    faultClass: 'benign',
    rules: () => [
      { type: 'latency', name: 'never-matches', match: { key: 'no-such-prefix/**' }, delayMs: 10 },
    ],
    triggers: [],
    backingImages: 1,
    volumesPerImage: 1,
    expectUnknown: true,
  },
];

export function scenarioByName(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) {
    throw new UsageError(
      `--scenario: unknown scenario '${name}'; valid: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  }
  return found;
}

/** The faults a scenario plans, by origin: what the efficacy check expects to see act. */
export function plannedOrigins(scenario: Scenario): string[] {
  const ctx: ScheduleContext = { T: 1000, timeFactor: 1, syncResolutionMs: 1000, bimT: 1000 };
  return [
    ...scenario.rules(ctx).map((rule) => `rule:${rule.name}`),
    ...scenario.triggers.map((trigger) => `trigger:${trigger.name}`),
    ...(scenario.syncHammer ? ['sync-hammer'] : []),
  ];
}
