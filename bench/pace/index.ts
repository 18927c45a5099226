// Paced time against machine load (node --import tsx bench/pace/index.ts [--seconds S] [--loops 0,4]):
// a CPU-hungry probe process paced by the run's pacer (suites/harness/pace.ts) while 0, then 4, busy
// loops compete for the CPUs, and a sleeping probe beside it. Prints the share and the paced/wall ratio
// per case; a ratio, never a timed assertion. Writes bench/out/pace-<time>.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../common/index.js';
import type { PaceEvent } from '../../record/index.js';
import { History, Pacer, procSchedstat, schedstatAvailable } from '../../suites/harness/index.js';
import { textTable } from '../text-table.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    loops: { type: 'string', default: '0,4' },
  },
});
const seconds = Number(values.seconds);
const loopCounts = values.loops.split(',').map(Number);
if (!(await schedstatAvailable())) {
  console.error('this system has no per-thread schedstat: paced time is wall time here');
  process.exit(2);
}

const children: ChildProcess[] = [];
const busyLoop = () => {
  const child = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  children.push(child);
  return child;
};
const stopAll = () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
};
process.on('exit', stopAll);

async function paced(pid: number): Promise<{ wallMs: number; pacedMs: number; shares: number[] }> {
  const history = new History({ clock: systemClock, retain: true });
  const pacer = new Pacer({ history, clock: systemClock, source: procSchedstat(() => [pid]) });
  await pacer.start();
  await systemClock.sleep(seconds * 1000);
  await pacer.stop();
  const samples = history.events.filter((e): e is PaceEvent => e.type === 'pace');
  const first = samples[0] as PaceEvent;
  const last = samples.at(-1) as PaceEvent;
  return {
    wallMs: last.t - first.t,
    pacedMs: last.pacedMs - first.pacedMs,
    shares: samples.slice(1).map((s) => s.share),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const results = [];
for (const loops of loopCounts) {
  for (let i = 0; i < loops; i++) busyLoop();
  const probe = busyLoop();
  const sleeper = spawn('sleep', ['3600'], { stdio: 'ignore' });
  children.push(sleeper);
  const load = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];
  const [hungry, idle] = await Promise.all([paced(probe.pid as number), paced(sleeper.pid as number)]);
  results.push({
    loops,
    loadAverage: Number(load),
    hungry: { ratio: hungry.pacedMs / hungry.wallMs, medianShare: median(hungry.shares) },
    sleeping: { ratio: idle.pacedMs / idle.wallMs, medianShare: median(idle.shares) },
  });
  stopAll();
}

console.log(
  textTable([
    [
      'busy loops',
      'load avg at start',
      'hungry probe paced/wall',
      'median share',
      'sleeping probe paced/wall',
    ],
    ...results.map((r) => [
      r.loops,
      r.loadAverage,
      r.hungry.ratio.toFixed(3),
      r.hungry.medianShare.toFixed(3),
      r.sleeping.ratio.toFixed(3),
    ]),
  ]),
);
const out = join(import.meta.dirname, '..', 'out');
await mkdir(out, { recursive: true });
const file = join(out, `pace-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ cpus: availableParallelism(), seconds, results }, null, 2));
console.log(`wrote ${file}`);
