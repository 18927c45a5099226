// The real /proc source on real child processes. Only relations that hold at any machine load are
// asserted: counters never go backwards, a busy child ran, and a sleeping child, which asked for no CPU,
// has share 1. A busy child's share below 1 depends on the load, so it is not asserted (bench/pace shows it).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { waitFor } from '../../test-support/wait.js';
import { intervalShare } from './pace.js';
import { parseSchedstat, procSchedstat, schedstatAvailable, type ThreadCounters } from './schedstat.js';

function ofPid(all: Map<string, ThreadCounters>, pid: number): Map<string, ThreadCounters> {
  return new Map([...all].filter(([key]) => key.startsWith(`${pid}/`)));
}

function runNs(all: Map<string, ThreadCounters>): number {
  return [...all.values()].reduce((sum, c) => sum + c.runNs, 0);
}

describe('schedstat source', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('parses a schedstat line and refuses anything else', () => {
    assert.deepEqual(parseSchedstat('67831 15010 1\n'), { runNs: 67831, waitNs: 15010 });
    assert.equal(parseSchedstat('garbage'), undefined);
    assert.equal(parseSchedstat(''), undefined);
  });

  it('reads a busy and a sleeping child: counters only grow, the sleeper asked for nothing (share 1)', async function () {
    if (!(await schedstatAvailable())) this.skip();
    const busy = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    children.push(busy, sleeper);
    const pids = [busy.pid as number, sleeper.pid as number];
    // The sleeper is measured once it has exec'ed `sleep` and sleeps: from then on it asks for nothing.
    await waitFor('the sleeping child to sleep', 60_000, async () => {
      const stat = await readFile(`/proc/${pids[1]}/stat`, 'utf8').catch(() => '');
      return /^\d+ \(sleep\) S /.test(stat) ? true : undefined;
    });
    const source = procSchedstat(() => pids);
    const before = await source.read();
    const startedAt = performance.now();
    assert.ok(ofPid(before, pids[0]!).size > 0 && ofPid(before, pids[1]!).size > 0, 'both children are read');
    // Until the busy child has run 50 ms more: however loaded the machine, that interval is the sample.
    const after = await waitFor('the busy child to run 50 ms', 60_000, async () => {
      const now = await source.read();
      return runNs(ofPid(now, pids[0]!)) - runNs(ofPid(before, pids[0]!)) >= 50e6 ? now : undefined;
    });
    const elapsedMs = performance.now() - startedAt;
    for (const [key, now] of after) {
      const then = before.get(key);
      if (!then) continue;
      assert.ok(now.runNs >= then.runNs && now.waitNs >= then.waitNs, `${key} went backwards`);
    }
    const busyShare = intervalShare(ofPid(before, pids[0]!), ofPid(after, pids[0]!), elapsedMs);
    assert.ok(
      busyShare.runMs >= 50 && busyShare.share > 0 && busyShare.share <= 1,
      JSON.stringify(busyShare),
    );
    const sleeperShare = intervalShare(ofPid(before, pids[1]!), ofPid(after, pids[1]!), elapsedMs);
    assert.equal(sleeperShare.share, 1, JSON.stringify(sleeperShare));
  });

  it('leaves out processes that are gone instead of failing', async function () {
    if (!(await schedstatAvailable())) this.skip();
    const short = spawn('true', { stdio: 'ignore' });
    children.push(short);
    await new Promise((resolve) => short.once('exit', resolve));
    const read = await procSchedstat(() => [short.pid as number, process.pid]).read();
    assert.equal(ofPid(read, short.pid as number).size, 0);
    assert.ok(ofPid(read, process.pid).size > 0, 'this process is still read');
  });
});
