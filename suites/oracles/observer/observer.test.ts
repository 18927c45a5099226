// The observer against a real apiextensions-apiserver (test-support/local-env): events with their
// resourceVersions, a silently dead watch repaired by the relist, a broken connection and 410 Gone.
import assert from 'node:assert/strict';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { systemClock } from '../../../common/index.js';
import { LONGHORN_GROUP, LONGHORN_NAMESPACE, LONGHORN_VERSION } from '../../../fixtures/crds/index.js';
import { useLocalEnvironment } from '../../../test-support/local-env.js';
import { History } from '../../harness/index.js';
import type { GapEvent, HistoryEvent, WatchEvent } from '../../../record/index.js';
import { startObserver, type Observer } from './observer.js';

const base = {
  group: LONGHORN_GROUP,
  version: LONGHORN_VERSION,
  namespace: LONGHORN_NAMESPACE,
  plural: 'backupbackingimages',
};

describe('startObserver (real API server)', function () {
  this.timeout(120_000);
  const env = useLocalEnvironment();
  let observer: Observer | undefined;
  let history: History;
  const wake: (() => void)[] = [];
  let kubeConfig: KubeConfig;
  let api: CustomObjectsApi;
  let counter = 0;

  beforeEach(async () => {
    kubeConfig = env.kubeConfig();
    api = kubeConfig.makeApiClient(CustomObjectsApi);
    history = new History({
      clock: systemClock,
      retain: true,
      sink: () => wake.splice(0).forEach((w) => w()),
    });
    observer = await startObserver({
      kubeConfig,
      namespace: LONGHORN_NAMESPACE,
      kinds: ['BackupBackingImage', 'SystemBackup'],
      history,
      clock: systemClock,
      // The tests drive the watchdog with checkNow(); the timer stays out of the way.
      relistIntervalMs: 600_000,
      silenceMs: 600_000,
      backoff: { initialMs: 50, maxMs: 500 },
    });
  });

  afterEach(async () => {
    await observer?.stop();
    observer = undefined;
  });

  /** Resolves once the history holds an event the predicate accepts; fails after the timeout. */
  async function eventually<T extends HistoryEvent>(
    predicate: (e: HistoryEvent) => e is T,
    timeoutMs = 15_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = history.events.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching event within ${timeoutMs} ms; saw ${JSON.stringify(history.events.map((e) => [e.type, (e as WatchEvent).verb, (e as WatchEvent).name, (e as WatchEvent).source]))}`,
        );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => wake.push(r)),
        new Promise<void>((r) => (timer = setTimeout(r, left))),
      ]);
      clearTimeout(timer);
    }
  }
  const watchOf =
    (name: string, verb: string, source?: string, progress?: number) =>
    (e: HistoryEvent): e is WatchEvent =>
      e.type === 'watch' &&
      e.name === name &&
      e.verb === verb &&
      (source === undefined || e.source === source) &&
      (progress === undefined || e.object.status?.progress === progress);
  const gapOf =
    (kind: string) =>
    (e: HistoryEvent): e is GapEvent =>
      e.type === 'gap' && e.kind === kind;

  async function createBbi(): Promise<{ name: string; resourceVersion: string }> {
    const name = `bi-${++counter}-${Date.now().toString(16).slice(-8)}`;
    const created = (await api.createNamespacedCustomObject({
      ...base,
      body: {
        apiVersion: `${LONGHORN_GROUP}/${LONGHORN_VERSION}`,
        kind: 'BackupBackingImage',
        metadata: { name, labels: { 'backing-image': 'bi-1' } },
        spec: { backingImage: 'bi-1', userCreated: true },
      },
    })) as { metadata: { resourceVersion: string } };
    return { name, resourceVersion: created.metadata.resourceVersion };
  }
  async function setProgress(name: string, progress: number): Promise<string> {
    const patched = (await api.patchNamespacedCustomObjectStatus({
      ...base,
      name,
      body: [{ op: 'add', path: '/status', value: { state: 'InProgress', progress } }],
    })) as { metadata: { resourceVersion: string } };
    return patched.metadata.resourceVersion;
  }

  it('records ADDED, MODIFIED and DELETED with their resourceVersions', async () => {
    const { name, resourceVersion: createdRV } = await createBbi();
    const patchedRV = await setProgress(name, 40);
    await api.deleteNamespacedCustomObject({ ...base, name });
    const deleted = await eventually(watchOf(name, 'DELETED'));
    const events = history.events.filter((e): e is WatchEvent => e.type === 'watch' && e.name === name);
    assert.deepEqual(
      events.map((e) => [e.verb, e.source]),
      [
        ['ADDED', 'watch'],
        ['MODIFIED', 'watch'],
        ['DELETED', 'watch'],
      ],
    );
    assert.equal(events[0]!.resourceVersion, createdRV);
    assert.equal(events[1]!.resourceVersion, patchedRV);
    assert.equal(events[1]!.object.status?.progress, 40);
    assert.equal(events[1]!.kind, 'BackupBackingImage');
    assert.ok(events[0]!.uid && events.every((e) => e.uid === events[0]!.uid));
    assert.deepEqual(Object.keys(deleted.object).sort(), ['metadata', 'spec', 'status']);
    assert.ok(events.every((e, i) => i === 0 || e.id > events[i - 1]!.id));
  });

  it('repairs a silently dead watch with a relist, records the gap, and watches again', async () => {
    const { name } = await createBbi();
    await eventually(watchOf(name, 'ADDED', 'watch'));
    observer!.watcher('BackupBackingImage')!.simulateSilentDeath();
    await setProgress(name, 50);
    await observer!.checkNow();
    const repaired = await eventually(watchOf(name, 'MODIFIED', 'relist', 50));
    const gap = await eventually(gapOf('BackupBackingImage'));
    assert.ok(gap.id < repaired.id, 'the gap comes before the differences it explains');
    assert.ok(gap.from <= gap.t);
    assert.match(gap.reason, /fell silent/);
    assert.equal(
      history.events.filter(watchOf(name, 'MODIFIED', 'watch', 50)).length,
      0,
      'the dead watch delivered nothing',
    );
    await setProgress(name, 80);
    await eventually(watchOf(name, 'MODIFIED', 'watch', 80));
    const stats = observer!.stats();
    assert.equal(stats.gaps, 1);
    assert.ok(stats.requests.list >= 4 && stats.requests.watch >= 3, JSON.stringify(stats.requests));
  });

  it('finds a silently dead watch on its own, from the relist timer', async () => {
    await observer!.stop();
    observer = await startObserver({
      kubeConfig,
      namespace: LONGHORN_NAMESPACE,
      kinds: ['BackupBackingImage'],
      history,
      clock: systemClock,
      relistIntervalMs: 300,
      silenceMs: 300,
    });
    const { name } = await createBbi();
    await eventually(watchOf(name, 'ADDED', 'watch'));
    observer.watcher('BackupBackingImage')!.simulateSilentDeath();
    await setProgress(name, 70);
    await eventually(watchOf(name, 'MODIFIED', 'relist', 70));
    assert.ok(history.events.some(gapOf('BackupBackingImage')));
  });

  it('recovers from a broken connection with a gap and a relist', async () => {
    const { name } = await createBbi();
    await eventually(watchOf(name, 'ADDED', 'watch'));
    observer!.watcher('BackupBackingImage')!.breakConnection();
    const gap = await eventually(gapOf('BackupBackingImage'));
    assert.match(gap.reason, /watch failed|connection reset/);
    await setProgress(name, 10);
    await eventually(watchOf(name, 'MODIFIED', 'watch', 10));
  });

  it('handles 410 Gone from a too-old resourceVersion by relisting', async () => {
    const { name } = await createBbi();
    await eventually(watchOf(name, 'ADDED', 'watch'));
    await observer!.watcher('BackupBackingImage')!.rewatchFrom('1');
    const gap = await eventually(gapOf('BackupBackingImage'));
    assert.match(gap.reason, /410/);
    await setProgress(name, 30);
    await eventually(watchOf(name, 'MODIFIED', 'watch', 30));
    const stats = await observer!.stop();
    observer = undefined;
    assert.equal(stats.kinds.BackupBackingImage?.gaps, 1);
  });
});
