// One workload iteration: fresh backing images with copies on two disks, fresh volumes using them, one
// SystemBackup, then wait for a final state or for the stall window to pass without any change of the
// SystemBackup's state or of a BackupBackingImage's state/progress. Every step is an op in the history.
import { describeError, type Clock } from '../../common/index.js';
import { SYSTEM_BACKUP_FINAL_STATES, type SystemBackup } from '../../fixtures/crds/index.js';
import type { HistoryTap, OpRecorder } from '../harness/index.js';
import type { HistoryEvent, WatchEvent } from '../../record/index.js';
import type { LonghornClient } from './longhorn-client.js';
import { iterationNames, runLabels, type IterationNames } from './names.js';

export interface IterationOptions {
  client: LonghornClient;
  ops: OpRecorder;
  tap: HistoryTap;
  clock: Clock;
  /** Labels the objects (cleanup selects by it); unique per run. */
  runId: string;
  /** Names the objects (`nameTag(seed)`): the same seed gives the same names. */
  nameTag: string;
  scenario: string;
  scenarioIndex: number;
  iteration: number;
  backingImages: number;
  volumesPerImage: number;
  /** URL the simulated (or real) backing-image download reads. */
  backingImageUrl: string;
  /** Asked of the download (`&seed=`) so that the image bytes come from the run's seed (`imageSeed`). */
  imageSeed: number;
  /** `always` makes every fresh volume's first backup request a target sync (docs/longhorn.md#backuptarget-controller). */
  volumeBackupPolicy: 'always' | 'if-not-present' | 'disabled';
  stallWindowMs: number;
  /** Upper bound of one iteration even while things keep changing. */
  maxWaitMs: number;
  /**
   * The run's paced clock (docs/design.md#run-record): the stall window and `maxWaitMs` are measured on it,
   * so that a backup slowed down by a busy machine is waited for. Absent: both are wall time on `clock`.
   */
  pacedClock?: Clock;
  /** Also back up each fresh volume on its own, concurrently with the system backup. */
  concurrentVolumeBackups?: boolean;
  signal?: AbortSignal;
  /** Told the iteration's backing image names before anything is created (reactive triggers need them). */
  onImages?: (names: string[]) => void;
}

export interface IterationOutcome {
  iteration: number;
  names: IterationNames;
  /** Final SystemBackup state, or the state it stalled in. */
  state: string;
  result: 'ready' | 'error' | 'stalled' | 'timeout';
  durationMs: number;
}

const PROCESS = 'workload';

/** The clock the stall window is measured on: the paced one when the run has it. */
function stallClock(options: IterationOptions): Clock {
  return options.pacedClock ?? options.clock;
}

function describeWait(options: IterationOptions, ms: number): string {
  return options.pacedClock ? `${ms} ms of paced time` : `${ms} ms`;
}

function watchOf(event: HistoryEvent, kind: WatchEvent['kind'], name?: string): WatchEvent | undefined {
  return event.type === 'watch' && event.kind === kind && (name === undefined || event.name === name)
    ? event
    : undefined;
}

/** Waits (on the recorded watch events) until each backing image is ready on at least two disks. */
async function waitForImagesReady(options: IterationOptions, images: string[]): Promise<void> {
  const pending = new Set(images);
  const readyOf = (event: WatchEvent) => {
    const map = (event.object.status?.diskFileStatusMap ?? {}) as Record<string, { state?: string }>;
    return Object.values(map).filter((d) => d.state === 'ready').length;
  };
  const clock = stallClock(options);
  const deadline = clock.monotonic() + options.stallWindowMs;
  while (pending.size > 0) {
    const left = deadline - clock.monotonic();
    if (left <= 0) break;
    const event = await options.tap.next(
      (e) => {
        const watch = watchOf(e, 'BackingImage');
        return watch !== undefined && pending.has(watch.name) && readyOf(watch) >= 2;
      },
      left,
      clock,
      options.signal,
    );
    if (event && event.type === 'watch') pending.delete(event.name);
  }
  if (pending.size > 0) {
    options.ops.complete(
      options.ops.invoke(PROCESS, 'wait-backing-images-ready', [...pending]).opId,
      PROCESS,
      'wait-backing-images-ready',
      'info',
      {
        error: `not ready on two disks within ${describeWait(options, options.stallWindowMs)}; backing up anyway`,
      },
    );
  }
}

async function createScene(options: IterationOptions, names: IterationNames): Promise<void> {
  const { client, ops } = options;
  const labels = runLabels(options.runId, options.scenario, options.iteration);
  for (const name of names.backingImages) {
    await ops.run(PROCESS, 'create-backing-image', { name }, () =>
      client.create('BackingImage', {
        metadata: { name, labels },
        spec: {
          sourceType: 'download',
          sourceParameters: { url: `${options.backingImageUrl}?image=${name}&seed=${options.imageSeed}` },
          minNumberOfCopies: 2,
        },
      }),
    );
  }
  await waitForImagesReady(options, names.backingImages);
  for (const volume of names.volumes) {
    await ops.run(PROCESS, 'create-volume', volume, () =>
      client.create('Volume', {
        metadata: { name: volume.name, labels },
        spec: { size: '16777216', numberOfReplicas: 1, backingImage: volume.backingImage },
      }),
    );
  }
}

/** Snapshot + Backup for each fresh volume, fired together with the system backup. */
async function startVolumeBackups(options: IterationOptions, names: IterationNames): Promise<void> {
  const labels = runLabels(options.runId, options.scenario, options.iteration);
  await Promise.all(
    names.volumes.map(async (volume, k) => {
      const snapshot = `snap-${volume.name}-${k}`.slice(0, 63);
      try {
        await options.ops.run(PROCESS, 'create-snapshot', { name: snapshot, volume: volume.name }, () =>
          options.client.create('Snapshot', {
            metadata: { name: snapshot, labels },
            spec: { volume: volume.name, createSnapshot: true },
          }),
        );
        await options.ops.run(PROCESS, 'create-volume-backup', { name: snapshot, volume: volume.name }, () =>
          options.client.create('Backup', {
            metadata: { name: snapshot, labels: { ...labels, 'backup-volume': volume.name } },
            spec: { snapshotName: snapshot },
          }),
        );
      } catch {
        // Recorded as fail/info by the op; the system backup carries on regardless.
      }
    }),
  );
}

/** The signature of everything whose change counts as progress for this system backup. */
function progressKey(event: HistoryEvent, systemBackup: string, images: Set<string>): string | undefined {
  const systemBackupEvent = watchOf(event, 'SystemBackup', systemBackup);
  if (systemBackupEvent) {
    return `sb:${String(systemBackupEvent.object.status?.state ?? '')}:${systemBackupEvent.verb}`;
  }
  const backup = watchOf(event, 'Backup');
  if (backup) {
    const status = backup.object.status ?? {};
    return `backup:${backup.name}:${backup.verb}:${String(status.state ?? '')}:${String(status.progress ?? '')}`;
  }
  const bbi = watchOf(event, 'BackupBackingImage');
  if (bbi) {
    const image = String(bbi.object.spec?.backingImage ?? '');
    if (!images.has(image)) return undefined;
    const status = bbi.object.status ?? {};
    return `bbi:${bbi.name}:${bbi.verb}:${String(status.state ?? '')}:${String(status.progress ?? '')}`;
  }
  return undefined;
}

async function waitForSystemBackup(
  options: IterationOptions,
  names: IterationNames,
  startedAt: number,
): Promise<{ state: string; result: IterationOutcome['result'] }> {
  const images = new Set(names.backingImages);
  const finals = SYSTEM_BACKUP_FINAL_STATES as readonly string[];
  const clock = stallClock(options);
  let state = '';
  let lastKeys = new Map<string, string>();
  let lastChange = clock.monotonic();
  for (;;) {
    const now = clock.monotonic();
    if (finals.includes(state)) return { state, result: state === 'Ready' ? 'ready' : 'error' };
    if (now - startedAt > options.maxWaitMs) return { state, result: 'timeout' };
    const left = Math.min(lastChange + options.stallWindowMs, startedAt + options.maxWaitMs) - now;
    const event = await options.tap.next(
      (e) => progressKey(e, names.systemBackup, images) !== undefined,
      Math.max(0, left),
      clock,
      options.signal,
    );
    if (!event) {
      // The stall window passed with no change on the watch: confirm with one read, then call it stalled.
      const current = await options.client.get<SystemBackup>('SystemBackup', names.systemBackup);
      state = current?.status?.state ?? state;
      if (finals.includes(state)) continue;
      if (clock.monotonic() - startedAt > options.maxWaitMs) return { state, result: 'timeout' };
      return { state, result: 'stalled' };
    }
    const key = progressKey(event, names.systemBackup, images) as string;
    const subject = key.split(':').slice(0, 2).join(':');
    if (event.type === 'watch' && event.kind === 'SystemBackup') {
      state = String(event.object.status?.state ?? '');
    }
    if (lastKeys.get(subject) !== key) {
      lastKeys = new Map(lastKeys).set(subject, key);
      lastChange = clock.monotonic();
    }
  }
}

/**
 * Runs one iteration: scene, system backup, wait; never throws for a stuck or failed backup. An abort
 * throws (also one that came while a request was in flight), and the system backup's op then ends as
 * `info` with `result: 'interrupted'`: an interrupted wait is not a stall.
 */
export async function runSystemBackupIteration(options: IterationOptions): Promise<IterationOutcome> {
  options.signal?.throwIfAborted();
  const names = iterationNames(options.nameTag, options.scenarioIndex, options.iteration, options);
  const startedAt = options.clock.monotonic();
  options.onImages?.(names.backingImages);
  await createScene(options, names);
  options.signal?.throwIfAborted();
  const labels = runLabels(options.runId, options.scenario, options.iteration);
  const { opId } = options.ops.invoke(PROCESS, 'system-backup', {
    name: names.systemBackup,
    iteration: options.iteration,
    backingImages: names.backingImages,
  });
  try {
    await options.client.create('SystemBackup', {
      metadata: { name: names.systemBackup, labels },
      spec: { volumeBackupPolicy: options.volumeBackupPolicy },
    });
  } catch (error) {
    options.ops.complete(opId, PROCESS, 'system-backup', 'info', {
      error: `create: ${error instanceof Error ? error.message : String(error)}`,
    });
    throw error;
  }
  let waited: Awaited<ReturnType<typeof waitForSystemBackup>>;
  try {
    if (options.concurrentVolumeBackups) await startVolumeBackups(options, names);
    waited = await waitForSystemBackup(options, names, stallClock(options).monotonic());
  } catch (error) {
    const interrupted = options.signal?.aborted === true;
    options.ops.complete(opId, PROCESS, 'system-backup', 'info', {
      value: {
        name: names.systemBackup,
        iteration: options.iteration,
        result: interrupted ? 'interrupted' : 'crashed',
      },
      error: interrupted
        ? `interrupted: ${describeError(options.signal?.reason)}`
        : `wait: ${describeError(error)}`,
    });
    throw error;
  }
  const value = {
    name: names.systemBackup,
    iteration: options.iteration,
    state: waited.state,
    result: waited.result,
  };
  if (waited.result === 'ready') options.ops.complete(opId, PROCESS, 'system-backup', 'ok', { value });
  else if (waited.result === 'error')
    options.ops.complete(opId, PROCESS, 'system-backup', 'fail', { value, error: 'SystemBackup Error' });
  else
    options.ops.complete(opId, PROCESS, 'system-backup', 'info', {
      value,
      error:
        waited.result === 'stalled'
          ? `no change of state or progress for ${describeWait(options, options.stallWindowMs)} in state '${waited.state}'`
          : `not final after ${describeWait(options, options.maxWaitMs)}`,
    });
  return {
    iteration: options.iteration,
    names,
    ...waited,
    durationMs: options.clock.monotonic() - startedAt,
  };
}
