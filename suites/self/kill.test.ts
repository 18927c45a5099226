// SIGKILL of `lhchaos run` in the middle of a scenario: the runner gets no chance to clean up, so the
// environment's watchdog must. Within 10 s (a bound on the wait, not a sleep) no process of the run is
// alive (etcd, the API server, MinIO, the watchdog, anything naming the run's folder), none of their ports
// is held, and the folder with MinIO's credentials and the client key is gone. Rates and times over many
// trials and other signals: bench/kill.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  leftoversOf,
  nothingLeft,
  startRun,
  waitMidScenario,
  type Leftovers,
  type RunningTrial,
} from '../../test-support/kill-trial.js';
import { waitFor } from '../../test-support/wait.js';

describe('self: SIGKILL of the runner mid-scenario', function () {
  this.timeout(300_000);
  let scratch: string;
  let trial: RunningTrial | undefined;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'lhchaos-kill-'));
  });
  afterEach(async () => {
    if (trial && trial.child.exitCode === null && trial.child.signalCode === null)
      trial.child.kill('SIGKILL');
    await rm(scratch, { recursive: true, force: true });
  });

  it('leaves no process, no port and no folder of the run within 10 s', async () => {
    const tmpRoot = join(scratch, 'tmp');
    await mkdir(tmpRoot);
    trial = startRun({ outDir: join(scratch, 'out'), tmpRoot, seed: 11 });
    const footprint = await waitMidScenario(trial);
    assert.ok(footprint.pids.length >= 4, `etcd, API server, MinIO and the watchdog: ${footprint.pids}`);
    assert.ok(footprint.ports.length >= 3, `their listening ports: ${footprint.ports}`);
    assert.ok(footprint.envDir.startsWith(tmpRoot), footprint.envDir);

    trial.child.kill('SIGKILL');
    await trial.exited;
    let last: Leftovers | undefined;
    try {
      await waitFor('nothing of the run to be left', 10_000, async () => {
        last = await leftoversOf(footprint);
        return nothingLeft(last) ? true : undefined;
      });
    } catch (error) {
      throw new Error(`left after 10 s: ${JSON.stringify(last)}\n${trial.output()}`, { cause: error });
    }
    const ours = (await readdir(tmpRoot)).filter((entry) => entry.startsWith('lhchaos-'));
    assert.deepEqual(ours, [], 'no other folder of the run in its temp dir either');
  });
});
