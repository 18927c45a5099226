// Checkers on literal histories (Jepsen style): each invariant true and false, plus the unknowns.
import assert from 'node:assert/strict';
import type { CheckResult, HistoryEvent, Verdict } from '../../../record/index.js';
import type { CheckOptions, StreamingChecker } from './checker.js';
import { checkHistory, checkersFor } from './check-history.js';
import { HistoryStory } from './story.js';

const benign: CheckOptions = { stallWindowMs: 30_000, faultClass: 'benign' };
const COMPLETE = '2026-01-01T00:00:12Z';

function results(verdict: Verdict, name: string): CheckResult[] {
  const found = verdict.checks.filter((c) => c.name === name);
  assert.ok(found.length > 0, `no ${name} result in ${JSON.stringify(verdict.checks.map((c) => c.name))}`);
  return found;
}
function only(verdict: Verdict, name: string): CheckResult {
  const found = results(verdict, name);
  assert.equal(found.length, 1, JSON.stringify(found, null, 1));
  return found[0]!;
}

/** One system backup with one volume backup and one backing image, under a latency rule that fired. */
function cleanRun(s = new HistoryStory()): HistoryStory {
  s.at(0).phase('baseline');
  s.rule('add', 'slow-cfg', 'latency');
  s.at(1000).systemBackup('sb-1', '', 1);
  s.at(1500).systemBackup('sb-1', 'CreatingVolumeBackups');
  s.at(2000).backup('backup-a', 'InProgress', 0);
  s.at(4000).backup('backup-a', 'InProgress', 50);
  s.at(6000).backup('backup-a', 'Completed', 100);
  s.at(7000).systemBackup('sb-1', 'CreatingBackingImageBackups');
  s.at(7500).bbi('bi-1-aaaa', 'bi-1', '');
  s.at(8000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
  s.fault('slow-cfg');
  s.at(10_000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 60);
  s.at(12_000).bbi('bi-1-aaaa', 'bi-1', 'Completed', 100);
  s.at(15_000).systemBackup('sb-1', 'Generating');
  s.at(16_000).systemBackup('sb-1', 'Uploading');
  s.at(18_000).systemBackup('sb-1', 'Ready');
  s.at(19_000).phase('heal');
  s.rule('remove', 'slow-cfg', 'latency', { matched: 3, applied: 2 });
  s.phase('quiescence');
  s.at(20_000).store({ 'bi-1': COMPLETE });
  s.phase('check');
  return s;
}

/** The #10740 signature: the BBI sits at InProgress 0% and the system backup waits. */
function stuckRun(
  endAt = 102_000,
  during?: (s: HistoryStory) => void,
): { story: HistoryStory; stuckBbi: number } {
  const s = new HistoryStory();
  s.rule('add', 'slow-cfg', 'latency');
  s.fault('slow-cfg');
  s.at(1000).systemBackup('sb-3', '', 3);
  s.at(2000).systemBackup('sb-3', 'CreatingBackingImageBackups');
  s.at(2500).bbi('bi-1-ac43d48d', 'bi-1', '');
  const stuckBbi = s.at(8000).bbi('bi-1-ac43d48d', 'bi-1', 'InProgress', 0);
  during?.(s);
  s.at(endAt).rule('remove', 'slow-cfg', 'latency', { matched: 1, applied: 1 });
  s.store({ 'bi-1': COMPLETE });
  return { story: s, stuckBbi };
}

describe('checkHistory', () => {
  it('passes a clean run on every invariant', async () => {
    const verdict = await checkHistory(cleanRun().events, benign);
    assert.equal(verdict.valid, true, JSON.stringify(verdict.checks, null, 1));
    for (const name of [
      'no-stuck-state',
      'bbi-completes',
      'progress-monotonic',
      'system-backup-ready',
      'store-agrees',
      'system-backup-waits-for-bbis',
      'stored-bbi-kept',
      'faults-fired',
    ]) {
      assert.equal(only(verdict, name).valid, true, name);
    }
    assert.equal(only(verdict, 'race-witness').valid, true);
  });

  describe('no-stuck-state', () => {
    it('fails a BBI stuck at InProgress 0% and the SystemBackup waiting on it, with evidence', async () => {
      const { story, stuckBbi } = stuckRun();
      const verdict = await checkHistory(story.events, benign);
      assert.equal(verdict.valid, false);
      const stuck = results(verdict, 'no-stuck-state');
      const bbi = stuck.find((c) => c.subject === 'BackupBackingImage/bi-1-ac43d48d');
      const sb = stuck.find((c) => c.subject === 'SystemBackup/sb-3');
      assert.equal(bbi?.valid, false);
      assert.match(
        bbi.message,
        /stayed InProgress 0% for 94 s until the end of the observation \(stall window 30 s\)/,
      );
      assert.ok(
        bbi.evidence.includes(stuckBbi),
        `evidence ${bbi.evidence} lacks the stuck BBI's event ${stuckBbi}`,
      );
      assert.equal(sb?.valid, false);
      assert.equal(sb.iteration, 3);
      assert.match(
        sb.message,
        /SystemBackup\/sb-3 stayed CreatingBackingImageBackups for 94 s .*BackupBackingImage bi-1-ac43d48d stuck at InProgress 0%/,
      );
      assert.ok(sb.evidence.includes(stuckBbi));
      assert.equal(only(verdict, 'bbi-completes').valid, false);
      assert.equal(only(verdict, 'system-backup-ready').valid, false);
    });

    it('counts as progress only the BBIs of the backing images that existed when the wait began', async () => {
      const s = new HistoryStory();
      s.rule('add', 'slow-cfg', 'latency', { matched: 1, applied: 1 });
      s.watch('BackingImage', 'bi-1', { status: {} });
      s.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
      const stuck = s.at(2000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
      // The next iteration's image and BBI move along; sb-1 does not wait on them.
      s.at(20_000).watch('BackingImage', 'bi-2', { status: {} });
      s.at(25_000).systemBackup('sb-2', 'CreatingBackingImageBackups', 2);
      for (let t = 26_000; t <= 60_000; t += 2000)
        s.at(t).bbi('bi-2-bbbb', 'bi-2', 'InProgress', (t - 26_000) / 400);
      s.at(70_000).store({ 'bi-1': COMPLETE });
      const verdict = await checkHistory(s.events, benign);
      const sb1 = results(verdict, 'no-stuck-state').find((c) => c.subject === 'SystemBackup/sb-1');
      assert.equal(sb1?.valid, false);
      assert.match(
        sb1.message,
        /stayed CreatingBackingImageBackups for 68 s until the end .*bi-1-aaaa stuck at InProgress 0%$/,
      );
      assert.ok(sb1.evidence.includes(stuck));
    });

    it("counts a volume's lastBackup and a BackupVolume's sync as progress of CreatingVolumeBackups", async () => {
      const s = new HistoryStory();
      s.rule('add', 'slow-cfg', 'latency', { matched: 1, applied: 1 });
      s.at(1000).systemBackup('sb-1', 'CreatingVolumeBackups', 1);
      s.at(2000).backup('backup-a', 'Completed', 100);
      s.at(25_000).watch('BackupVolume', 'vol-a-1234', { status: {} });
      s.at(50_000).watch('BackupVolume', 'vol-a-1234', { status: { lastBackupName: 'backup-a' } });
      s.at(75_000).watch('Volume', 'vol-a', { status: { state: 'attached', lastBackup: 'backup-a' } });
      s.at(76_000).systemBackup('sb-1', 'Ready');
      s.store({});
      assert.equal(only(await checkHistory(s.events, benign), 'no-stuck-state').valid, true);
    });

    it('fails a stall that ended: the object moved on only after the window', async () => {
      const s = cleanRun();
      const from = s.at(21_000).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 10);
      const to = s.at(61_000).bbi('bi-2-bbbb', 'bi-2', 'Completed', 100);
      const verdict = await checkHistory(s.events, benign);
      const stuck = only(verdict, 'no-stuck-state');
      assert.equal(stuck.valid, false);
      assert.match(stuck.message, /bi-2-bbbb stayed InProgress 10% for 40 s \(/);
      assert.deepEqual(stuck.evidence, [from, to]);
    });

    it('says unknown, not pass, when the observation ends inside the window of an unfinished object', async () => {
      const { story } = stuckRun(20_000);
      const verdict = await checkHistory(story.events, benign);
      const stuck = results(verdict, 'no-stuck-state');
      assert.ok(
        stuck.every((c) => c.valid === 'unknown'),
        JSON.stringify(stuck),
      );
      assert.match(stuck[0]!.message, /too early to tell/);
      assert.equal(verdict.valid, false, 'the unfinished system backup still fails system-backup-ready');
    });

    it('keeps a seen stall false across a short gap, but calls a gap-made stall unknown', async () => {
      const short = stuckRun(102_000, (s) => s.at(50_000).gap('BackupBackingImage', 45_000));
      const seen = await checkHistory(short.story.events, benign);
      const bbi = results(seen, 'no-stuck-state').find(
        (c) => c.subject === 'BackupBackingImage/bi-1-ac43d48d',
      );
      assert.equal(bbi?.valid, false);

      const s = cleanRun();
      s.at(21_000).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 10);
      s.at(56_000).gap('BackupBackingImage', 31_000, 'watch died silently; relist found differences');
      s.bbi('bi-2-bbbb', 'bi-2', 'Completed', 100);
      const verdict = await checkHistory(s.events, benign);
      const stuck = only(verdict, 'no-stuck-state');
      assert.equal(stuck.valid, 'unknown');
      assert.match(stuck.message, /longest stretch seen without a gap is 10 s/);
    });
  });

  describe('system-backup-waits-for-bbis', () => {
    it('fails a SystemBackup that left the wait while a BBI it waited on was unfinished', async () => {
      const s = new HistoryStory();
      s.rule('add', 'slow-cfg', 'latency', { matched: 1, applied: 1 });
      s.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
      const unfinished = s.at(2000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 40);
      const moved = s.at(3000).systemBackup('sb-1', 'Generating');
      s.at(4000).systemBackup('sb-1', 'Ready');
      s.at(5000).bbi('bi-1-aaaa', 'bi-1', 'Completed', 100);
      s.store({ 'bi-1': COMPLETE });
      const verdict = await checkHistory(s.events, benign);
      const check = only(verdict, 'system-backup-waits-for-bbis');
      assert.equal(check.valid, false);
      assert.equal(check.severity, 'error');
      assert.match(
        check.message,
        /sb-1 left CreatingBackingImageBackups for Generating while BackupBackingImage bi-1-aaaa was InProgress 40%/,
      );
      assert.deepEqual(check.evidence, [unfinished, moved]);
      assert.equal(only(verdict, 'bbi-completes').valid, true);
      assert.equal(only(verdict, 'system-backup-ready').valid, true, 'it did reach Ready');
      // A safety property: destructive runs are judged on it too.
      const destructive = await checkHistory(s.events, { ...benign, faultClass: 'destructive' });
      assert.equal(only(destructive, 'system-backup-waits-for-bbis').valid, false);
    });

    it('passes a wait that ended on an errored BBI, and one whose BBI was final before a later-recorded move', async () => {
      const s = new HistoryStory();
      s.rule('add', 'reset-put', 'error', { matched: 1, applied: 1 });
      s.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
      s.at(2000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 10);
      s.at(3000).bbi('bi-1-aaaa', 'bi-1', 'Error', 10);
      s.at(9000).systemBackup('sb-1', 'Generating');
      s.at(10_000).systemBackup('sb-1', 'Ready');
      const verdict = await checkHistory(s.events, { ...benign, faultClass: 'destructive' });
      assert.equal(only(verdict, 'system-backup-waits-for-bbis').valid, true);

      // Two watch streams interleave: the BBI's Completed (older resourceVersion) is recorded after the move.
      const r = new HistoryStory();
      r.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
      r.at(2000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 60);
      const completed = r.at(3000).bbi('bi-1-aaaa', 'bi-1', 'Completed', 100);
      const moved = r.at(3100).systemBackup('sb-1', 'Generating');
      const swapped = r.events.map((e) =>
        e.id === completed ? { ...e, id: moved } : e.id === moved ? { ...e, id: completed } : e,
      );
      swapped.sort((a, b) => a.id - b.id);
      const late = await checkHistory(swapped, { ...benign, faultClass: 'none' });
      assert.equal(only(late, 'system-backup-waits-for-bbis').valid, true);
    });

    it('passes a move while a BBI still runs once another it waited on is in Error (the first Error ends the wait)', async () => {
      const story = (errored: boolean) => {
        const s = new HistoryStory();
        s.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
        s.at(2000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 10);
        s.at(2100).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 30);
        if (errored) s.at(3000).bbi('bi-1-aaaa', 'bi-1', 'Error', 10);
        s.at(8000).systemBackup('sb-1', 'Generating');
        return s.events;
      };
      const destructive = { ...benign, faultClass: 'destructive' as const };
      const after = only(await checkHistory(story(true), destructive), 'system-backup-waits-for-bbis');
      assert.equal(after.valid, true, after.message);
      // Without the Error the same move leaves two unfinished BBIs behind.
      const without = only(await checkHistory(story(false), destructive), 'system-backup-waits-for-bbis');
      assert.equal(without.valid, false);
      assert.match(
        without.message,
        /bi-1-aaaa was InProgress 10%, BackupBackingImage bi-2-bbbb was InProgress 30%/,
      );
    });

    it('fails a move over a BBI deleted unfinished with no successor (NotFound keeps Longhorn waiting)', async () => {
      const s = new HistoryStory();
      s.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
      s.at(2000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
      const gone = s.at(2500).remove('BackupBackingImage', 'bi-1-aaaa', {
        'longhorn.io/delete-custom-resource-only': 'true',
      });
      const moved = s.at(8000).systemBackup('sb-1', 'Generating');
      const check = only(await checkHistory(s.events, benign), 'system-backup-waits-for-bbis');
      assert.equal(check.valid, false);
      assert.match(
        check.message,
        /bi-1-aaaa was deleted at InProgress 0% \(NotFound keeps Longhorn waiting\)/,
      );
      assert.deepEqual(check.evidence, [gone, moved]);
    });

    it('says unknown when no SystemBackup was seen leaving the wait', async () => {
      const s = new HistoryStory();
      s.at(1000).systemBackup('sb-1', 'CreatingVolumeBackups', 1);
      const check = only(await checkHistory(s.events, benign), 'system-backup-waits-for-bbis');
      assert.equal(check.valid, 'unknown');
    });
  });

  describe('stored-bbi-kept', () => {
    const crOnly = { 'longhorn.io/delete-custom-resource-only': 'true' };
    const severities = (found: CheckResult[]) => found.map((c) => [c.severity, c.valid]);
    /** The target sync's deletion: the CR-only label, then DELETED. */
    const deleteCrOnly = (s: HistoryStory, name: string, at: number) => {
      s.at(at).watch('BackupBackingImage', name, { labels: crOnly, deleting: true });
      return s.at(at + 50).remove('BackupBackingImage', name, crOnly);
    };

    it('fails a Completed BBI deleted CR-only after a failed listing read as an empty store', async () => {
      const s = cleanRun();
      s.at(22_300);
      const failed = s.listing({ listed: null, rule: 'list-errors', action: 'error' });
      const deleted = deleteCrOnly(s, 'bi-1-aaaa', 22_500);
      const store = s.at(23_500).store({ 'bi-1': COMPLETE });
      const verdict = await checkHistory(s.events, { ...benign, faultClass: 'destructive' });
      const check = only(verdict, 'stored-bbi-kept');
      assert.deepEqual([check.severity, check.valid], ['error', false]);
      assert.equal(check.subject, 'BackupBackingImage/bi-1-aaaa');
      for (const id of [failed, deleted, store])
        assert.ok(check.evidence.includes(id), String(check.evidence));
      assert.match(check.message, /failed, and the failure was read as an empty store/);
      assert.equal(verdict.valid, false);
    });

    it('fails it when the failed listing still hid keys: a failure is never an excuse', async () => {
      const s = cleanRun();
      s.at(22_300).listing({ listed: null, hidden: ['bi-1'], rule: 'stale', action: 'upstream-error' });
      deleteCrOnly(s, 'bi-1-aaaa', 22_500);
      s.at(23_500).store({ 'bi-1': COMPLETE });
      const check = only(await checkHistory(s.events, benign), 'stored-bbi-kept');
      assert.deepEqual([check.severity, check.valid], ['error', false]);
    });

    it('passes deletions the store justifies, unfinished ones, and the cleanup after the store read or teardown', async () => {
      const s = cleanRun();
      s.at(22_500).remove('BackupBackingImage', 'bi-1-aaaa', crOnly);
      s.at(23_500).store({});
      s.at(24_000).bbi('bi-2-aaaa', 'bi-2', 'InProgress', 0);
      s.at(24_500).remove('BackupBackingImage', 'bi-2-aaaa', crOnly);
      s.at(25_000).bbi('bi-3-aaaa', 'bi-3', 'Completed', 100);
      s.at(25_500).store({ 'bi-2': COMPLETE, 'bi-3': COMPLETE });
      s.at(26_000).remove('BackupBackingImage', 'bi-3-aaaa', crOnly);
      s.phase('teardown');
      s.at(27_000).bbi('bi-4-aaaa', 'bi-4', 'Completed', 100);
      s.remove('BackupBackingImage', 'bi-4-aaaa', crOnly);
      s.store({ 'bi-4': COMPLETE });
      const check = only(await checkHistory(s.events, benign), 'stored-bbi-kept');
      assert.equal(check.valid, true, check.message);
    });

    it('only warns when the listing the sync acted on hid that cfg, even if the rule went and the decision came late', async () => {
      // The partial-sync sequence on v1.9.0: the sync lists while the lag hides the cfg, the trigger then
      // removes the lag, and the sync deletes the finished BBI; the runner appends the listing's decision
      // in its next batch, after the deletion.
      const s = cleanRun();
      s.at(22_100).rule('add', 'cfg-lag-bi-1', 'visibility-lag');
      s.at(22_450).rule('remove', 'cfg-lag-bi-1', 'visibility-lag', { matched: 1, applied: 1 });
      deleteCrOnly(s, 'bi-1-aaaa', 22_500);
      const hiding = s.at(22_700).listing({
        listed: ['bi-2'],
        hidden: ['bi-1'],
        rule: 'cfg-lag-bi-1',
        answeredAt: 22_400,
      });
      s.at(22_900).listing({ listed: ['bi-1', 'bi-2'] });
      s.at(23_500).store({ 'bi-1': COMPLETE });
      const found = results(await checkHistory(s.events, benign), 'stored-bbi-kept');
      assert.deepEqual(severities(found), [
        ['warn', false],
        ['error', true],
      ]);
      assert.match(found[0]!.message, /rule cfg-lag-bi-1 hid it from the listing .* \(event #\d+\)/);
      assert.ok(found[0]!.evidence.includes(hiding), 'the hiding listing is evidence');
    });

    it('fails a deletion after a listing that lacked the cfg with nothing hiding it, stale-listing armed or not', async () => {
      const s = cleanRun();
      s.at(22_000).rule('add', 'stale-listings', 'stale-listing');
      s.at(22_300).listing({ listed: ['bi-2'], hidden: ['bi-2-other'], rule: 'stale-listings' });
      deleteCrOnly(s, 'bi-1-aaaa', 22_500);
      s.at(23_500).store({ 'bi-1': COMPLETE });
      const check = only(await checkHistory(s.events, benign), 'stored-bbi-kept');
      assert.deepEqual([check.severity, check.valid], ['error', false]);
      assert.match(check.message, /lacked it with no rule hiding it/);
    });

    it('is unknown when no listing was recorded before the deletion, or the last one showed the cfg', async () => {
      const none = cleanRun();
      deleteCrOnly(none, 'bi-1-aaaa', 22_500);
      none.at(22_600).listing({ listed: null, action: 'error' });
      none.at(23_500).store({ 'bi-1': COMPLETE });
      const unrecorded = await checkHistory(none.events, benign);
      assert.deepEqual([only(unrecorded, 'stored-bbi-kept').valid, unrecorded.valid], ['unknown', 'unknown']);
      assert.match(only(unrecorded, 'stored-bbi-kept').message, /no listing of the backing-image directory/);

      const showed = cleanRun();
      showed.at(22_300).listing({ listed: ['bi-1'] });
      deleteCrOnly(showed, 'bi-1-aaaa', 22_500);
      showed.at(23_500).store({ 'bi-1': COMPLETE });
      const check = only(await checkHistory(showed.events, benign), 'stored-bbi-kept');
      assert.equal(check.valid, 'unknown');
      assert.match(check.message, /showed it, so the listing the sync acted on is not the recorded one/);
    });

    it('weighs every listing an observer gap leaves possible: unknown when they disagree, decided when they agree', async () => {
      const story = (second: { listed: string[] | null; hidden?: string[]; rule?: string }) => {
        const s = cleanRun();
        s.at(22_000).listing({ listed: ['bi-2'], hidden: ['bi-1'], rule: 'cfg-lag-bi-1' });
        s.at(22_100).gap('BackupBackingImage', 22_050);
        s.at(22_200).listing(second);
        s.at(22_500).remove('BackupBackingImage', 'bi-1-aaaa', crOnly, 'relist');
        s.at(23_500).store({ 'bi-1': COMPLETE });
        return s;
      };
      const disagree = only(await checkHistory(story({ listed: null }).events, benign), 'stored-bbi-kept');
      assert.equal(disagree.valid, 'unknown');
      assert.match(disagree.message, /observer gap .* they disagree/);
      const agree = results(
        await checkHistory(story({ listed: [], hidden: ['bi-1'], rule: 'cfg-lag-bi-1' }).events, benign),
        'stored-bbi-kept',
      );
      assert.equal(agree[0]!.severity, 'warn');
    });
  });

  describe('progress-monotonic', () => {
    it('fails progress going 40 -> 20, pointing at both events', async () => {
      const s = cleanRun();
      const forty = s.at(21_000).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 40);
      const twenty = s.at(22_000).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 20);
      s.at(23_000).bbi('bi-2-bbbb', 'bi-2', 'Completed', 100);
      const verdict = await checkHistory(s.events, benign);
      const check = only(verdict, 'progress-monotonic');
      assert.equal(check.valid, false);
      assert.deepEqual(check.evidence, [forty, twenty]);
      assert.match(check.message, /went back from 40% to 20%/);
      assert.equal(verdict.valid, false);
    });

    it('fails progress above 100 and treats a re-created BBI (new uid) as a new object', async () => {
      const s = cleanRun();
      s.at(21_000).backup('backup-b', 'InProgress', 101);
      const over = await checkHistory(s.events, benign);
      assert.match(only(over, 'progress-monotonic').message, /progress 101, outside 0..100/);

      const r = cleanRun();
      r.at(21_000).remove('BackupBackingImage', 'bi-1-aaaa');
      r.at(22_000).bbi('bi-1-aaaa', 'bi-1', 'InProgress', 5);
      r.at(23_000).bbi('bi-1-aaaa', 'bi-1', 'Completed', 100);
      assert.equal(only(await checkHistory(r.events, benign), 'progress-monotonic').valid, true);
    });
  });

  describe('race-witness', () => {
    it('warns about a BBI deleted CR-only in progress and re-created, while the verdict stays true', async () => {
      const s = cleanRun();
      s.at(21_000).systemBackup('sb-2', 'CreatingBackingImageBackups', 2);
      s.bbi('bi-2-aaaa', 'bi-2', 'InProgress', 0);
      const deleted = s
        .at(21_236)
        .remove('BackupBackingImage', 'bi-2-aaaa', { 'longhorn.io/delete-custom-resource-only': 'true' });
      const added = s.at(25_000).bbi('bi-2-bbbb', 'bi-2', '');
      s.at(27_000).bbi('bi-2-bbbb', 'bi-2', 'Completed', 100);
      s.at(30_000).systemBackup('sb-2', 'Ready');
      s.at(31_000).store({ 'bi-1': COMPLETE, 'bi-2': COMPLETE });
      const verdict = await checkHistory(s.events, benign);
      assert.equal(verdict.valid, true, JSON.stringify(verdict.checks, null, 1));
      const witness = only(verdict, 'race-witness');
      assert.equal(witness.severity, 'warn');
      assert.equal(witness.valid, false);
      assert.deepEqual(witness.evidence, [deleted, added]);
      assert.match(
        witness.message,
        /bi-2-aaaa \(backing image bi-2\) was deleted CR-only while InProgress 0%, then BackupBackingImage\/bi-2-bbbb was created/,
      );
      assert.match(only(verdict, 'bbi-completes').message, /1 deleted unfinished and replaced/);
    });

    it('fails bbi-completes for an unfinished BBI deleted with no successor', async () => {
      const s = cleanRun();
      s.at(21_000).bbi('bi-2-aaaa', 'bi-2', 'InProgress', 0);
      s.at(22_000).remove('BackupBackingImage', 'bi-2-aaaa', {
        'longhorn.io/delete-custom-resource-only': 'true',
      });
      const verdict = await checkHistory(s.events, benign);
      assert.equal(only(verdict, 'bbi-completes').valid, false);
      assert.match(only(verdict, 'race-witness').message, /no new BackupBackingImage/);
    });
  });

  describe('faults-fired', () => {
    it('says unknown for a planned rule that applied 0 requests', async () => {
      const s = cleanRun();
      const add = s.at(21_000).rule('add', 'hide-cfg', 'visibility-lag');
      const remove = s.at(25_000).rule('remove', 'hide-cfg', 'visibility-lag', { matched: 4, applied: 0 });
      const verdict = await checkHistory(s.events, benign);
      const check = only(verdict, 'faults-fired');
      assert.equal(check.valid, 'unknown');
      assert.deepEqual(check.evidence, [add, remove]);
      assert.match(
        check.message,
        /planned fault rule:hide-cfg never fired: rule hide-cfg \(visibility-lag\) applied 0 requests \(matched 4\)/,
      );
      assert.equal(verdict.valid, 'unknown');
    });

    it('says unknown for a rule still armed without counters or decisions, and for a failed cluster fault', async () => {
      const s = cleanRun();
      s.at(21_000).rule('add', 'never', 'error');
      s.nemesis(7, 'restart-bim', 'invoke');
      s.nemesis(7, 'restart-bim', 'fail', 'pod not found');
      const found = results(await checkHistory(s.events, benign), 'faults-fired');
      assert.deepEqual(
        found.map((c) => c.valid),
        ['unknown', 'unknown'],
      );
      assert.match(
        found[0]!.message,
        /rule never \(error\) reported no counters and no fault decisions and was still armed/,
      );
      assert.match(found[1]!.message, /restart-bim failed \(pod not found\)/);
    });

    it('counts a repeated fault as fired when one application worked, and flags a planned fault never armed', async () => {
      const s = cleanRun();
      s.at(21_000).push({
        type: 'log',
        level: 'info',
        source: 'schedule',
        message: 'planned faults',
        fields: { planned: ['rule:slow-cfg', 'sync-hammer', 'trigger:on-bbi'] },
      });
      s.nemesis(8, 'sync-hammer', 'invoke');
      s.nemesis(8, 'sync-hammer', 'info', 'timeout');
      s.nemesis(9, 'sync-hammer', 'invoke');
      s.nemesis(9, 'sync-hammer', 'ok');
      const found = results(await checkHistory(s.events, benign), 'faults-fired');
      assert.deepEqual(
        found.map((c) => [c.valid, c.subject]),
        [['unknown', 'trigger:on-bbi']],
      );
      assert.match(found[0]!.message, /planned but never armed/);
    });

    it('says unknown when a faulty run armed nothing, and passes a fault-free run', async () => {
      const quiet = new HistoryStory();
      quiet.at(1000).systemBackup('sb-1', 'Ready', 1);
      quiet.store({});
      assert.equal(only(await checkHistory(quiet.events, benign), 'faults-fired').valid, 'unknown');
      const none = await checkHistory(quiet.events, { ...benign, faultClass: 'none' });
      assert.equal(only(none, 'faults-fired').valid, true);
    });
  });

  describe('observer gaps', () => {
    it('turns passes whose window a gap overlaps into unknown', async () => {
      const s = new HistoryStory();
      for (const e of cleanRun().events) if (e.id <= 12) s.events.push(e);
      s.at(11_000).gap('BackupBackingImage', 9000, 'watch error: ECONNRESET');
      for (const e of cleanRun().events) if (e.id > 12) s.events.push({ ...e, id: s.events.length + 1 });
      const verdict = await checkHistory(s.events, benign);
      assert.equal(verdict.valid, 'unknown');
      assert.equal(only(verdict, 'no-stuck-state').valid, 'unknown');
      assert.equal(only(verdict, 'bbi-completes').valid, 'unknown');
      assert.equal(
        only(verdict, 'store-agrees').valid,
        true,
        'the dual view compares with the store, not the watch',
      );
      assert.equal(only(verdict, 'observer-gaps').severity, 'warn');
    });

    it('never turns a failure into unknown', async () => {
      const s = cleanRun();
      s.at(21_000).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 40);
      s.at(22_000).bbi('bi-2-bbbb', 'bi-2', 'InProgress', 20);
      s.at(23_000).gap('BackupBackingImage', 20_000);
      assert.equal(only(await checkHistory(s.events, benign), 'progress-monotonic').valid, false);
    });
  });

  it('turns a crashing checker into unknown with its message', async () => {
    const crasher: StreamingChecker = {
      names: ['crasher'],
      property: 'safety',
      observe: (event) => {
        if (event.id === 5) throw new Error('cannot read properties of undefined');
      },
      finish: () => [],
    };
    const verdict = await checkHistory(cleanRun().events, benign, [...checkersFor(benign), crasher]);
    assert.equal(verdict.valid, 'unknown');
    assert.match(only(verdict, 'crasher').message, /crasher crashed: cannot read properties of undefined/);
  });

  describe('store-agrees', () => {
    it('fails a Completed BBI whose cfg in the store is incomplete or missing', async () => {
      const s = cleanRun();
      const store = s.at(22_000).store({ 'bi-1': '' });
      const verdict = await checkHistory(s.events, benign);
      const check = only(verdict, 'store-agrees');
      assert.equal(check.valid, false);
      assert.ok(check.evidence.includes(store));
      assert.match(check.message, /bi-1\/backing-image.cfg in the store is still in progress/);
      const missing = cleanRun();
      missing.at(22_000).store({});
      assert.match(
        only(await checkHistory(missing.events, benign), 'store-agrees').message,
        /has no backing-image.cfg/,
      );
    });

    it('says unknown without a store read', async () => {
      const events = cleanRun().events.filter((e) => e.type !== 'store');
      assert.equal(only(await checkHistory(events, benign), 'store-agrees').valid, 'unknown');
    });
  });

  describe('destructive faults', () => {
    const destructive: CheckOptions = { ...benign, faultClass: 'destructive' };
    function errored(): HistoryStory {
      const s = new HistoryStory();
      s.rule('add', 'reset-put', 'error');
      s.at(1000).systemBackup('sb-1', 'CreatingBackingImageBackups', 1);
      s.bbi('bi-1-aaaa', 'bi-1', 'InProgress', 0);
      s.fault('reset-put');
      s.at(3000).bbi('bi-1-aaaa', 'bi-1', 'Error', 0);
      s.at(5000).systemBackup('sb-1', 'Error');
      s.at(6000).rule('remove', 'reset-put', 'error', { matched: 2, applied: 2 });
      s.phase('heal');
      return s;
    }

    it('passes when everything ends final and a new system backup recovers after the heal', async () => {
      const s = errored();
      s.at(7000).systemBackup('sb-2', 'CreatingBackingImageBackups', 2);
      s.remove('BackupBackingImage', 'bi-1-aaaa');
      s.bbi('bi-1-bbbb', 'bi-1', 'InProgress', 0);
      s.at(9000).bbi('bi-1-bbbb', 'bi-1', 'Completed', 100);
      s.at(10_000).systemBackup('sb-2', 'Generating');
      s.at(12_000).systemBackup('sb-2', 'Ready');
      s.store({ 'bi-1': COMPLETE });
      const verdict = await checkHistory(s.events, destructive);
      assert.equal(verdict.valid, true, JSON.stringify(verdict.checks, null, 1));
      assert.match(
        only(verdict, 'recovers-after-heal').message,
        /sb-2 reached Ready with 1 BackupBackingImage/,
      );
      assert.equal(only(verdict, 'bbi-ends-final').valid, true);
    });

    it('fails when the system backup after the heal is Ready while its BBI is unfinished', async () => {
      const s = errored();
      s.at(7000).systemBackup('sb-2', 'CreatingBackingImageBackups', 2);
      s.remove('BackupBackingImage', 'bi-1-aaaa');
      s.bbi('bi-1-bbbb', 'bi-1', 'InProgress', 0);
      s.at(8000).systemBackup('sb-2', 'Generating');
      s.at(9000).systemBackup('sb-2', 'Ready');
      s.at(9500).bbi('bi-1-bbbb', 'bi-1', 'Completed', 100);
      const check = only(await checkHistory(s.events, destructive), 'recovers-after-heal');
      assert.equal(check.valid, false);
      assert.match(check.message, /sb-2 reached Ready while bi-1-bbbb was InProgress 0%/);
    });

    it('says unknown when no system backup was made after the heal', async () => {
      const check = only(await checkHistory(errored().events, destructive), 'recovers-after-heal');
      assert.equal(check.valid, 'unknown');
    });
  });

  it('checks one scenario of an async stream and rejects bad options', async () => {
    const a = cleanRun(new HistoryStory('a')).events;
    const b = stuckRun().story.events.map((e) => ({ ...e, scenario: 'b', id: e.id + a.length }));
    async function* stream(): AsyncGenerator<HistoryEvent> {
      for (const e of [...a, ...b]) yield e;
    }
    const verdictA = await checkHistory(stream(), { ...benign, scenario: 'a' });
    assert.equal(verdictA.valid, true);
    assert.ok(verdictA.checks.every((c) => c.scenario === 'a'));
    assert.equal((await checkHistory(stream(), { ...benign, scenario: 'b' })).valid, false);
    await assert.rejects(
      checkHistory([], { ...benign, stallWindowMs: 0 }),
      /stallWindowMs must be a positive/,
    );
  });
});
