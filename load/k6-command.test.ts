// k6 is tied to the process that starts it: when that process is SIGKILLed (a killed `lhchaos run --co-load`),
// the kernel ends k6 too (setpriv's parent-death signal). Shown with a stand-in for k6 started through the
// same command: a sleep that would otherwise run for ten minutes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../test-support/wait.js';
import { k6Command } from './runner.js';

const RUNNER = fileURLToPath(new URL('./runner.ts', import.meta.url));

const alive = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
};

describe('load: k6 ends with the process that started it', function () {
  this.timeout(60_000);

  it('keeps the command line k6 would have (setpriv execs it)', () => {
    const [file, args] = k6Command('/opt/k6', ['run', 'x.js']);
    assert.deepEqual(args.slice(-3), ['/opt/k6', 'run', 'x.js']);
    assert.ok(file === '/opt/k6' || /setpriv$/.test(file));
  });

  it('a SIGKILL of the parent ends the child', async function () {
    if (k6Command('/bin/sleep', [])[0] === '/bin/sleep') this.skip(); // no setpriv on this machine
    const script = `
      const { spawn } = await import('node:child_process');
      const { k6Command } = await import(${JSON.stringify(RUNNER)});
      const [file, args] = k6Command('/bin/sleep', ['600']);
      const child = spawn(file, args, { stdio: 'ignore' });
      console.log(child.pid);
      setInterval(() => {}, 60_000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const pid = Number(
      await waitFor('the child pid', 30_000, async () => out.split('\n')[0]?.trim() || undefined),
    );
    try {
      assert.ok(await alive(pid));
      parent.kill('SIGKILL');
      await waitFor('the child to end', 10_000, async () => ((await alive(pid)) ? undefined : true));
    } finally {
      if (await alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
