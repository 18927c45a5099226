// Kill-trial benchmark (node --import tsx bench/kill/index.ts [--trials N] [--modes a,b] [--seed S]):
// `lhchaos run` with its own environment, interrupted mid-scenario (faults phase, a rule armed) by
// SIGKILL, SIGINT, SIGTERM, SIGHUP, a double Ctrl-C, or SIGINT then SIGTERM 7.5 s later (GitHub Actions'
// cancel), N trials each. Per trial: the exit code, how long the runner took to exit and until nothing of
// the run was left (processes, listening ports, folder), and what was left after 30 s if anything.
// Writes JSON to bench/out/kill-<time>.json and prints a table per mode.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  leftoversOf,
  nothingLeft,
  startRun,
  waitMidScenario,
  type Leftovers,
  type RunningTrial,
} from '../../test-support/kill-trial.js';

type Mode = 'SIGKILL' | 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'double-ctrl-c' | 'SIGINT+SIGTERM@7.5s';
const MODES: Mode[] = ['SIGKILL', 'SIGINT', 'SIGTERM', 'SIGHUP', 'double-ctrl-c', 'SIGINT+SIGTERM@7.5s'];

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    modes: { type: 'string', default: MODES.join(',') },
    seed: { type: 'string', default: '100' },
    'leftover-bound': { type: 'string', default: '30000' },
  },
});
const trials = Number(values.trials);
const modes = values.modes.split(',') as Mode[];
const leftoverBoundMs = Number(values['leftover-bound']);

interface Trial {
  mode: Mode;
  trial: number;
  exitCode: number | null;
  exitSignal: string | null;
  /** First signal to the runner's exit. */
  exitMs: number;
  /** First signal until no process, port or folder of the run was left; null: something stayed. */
  cleanMs: number | null;
  left?: Leftovers;
  load1: number;
}

async function send(run: RunningTrial, mode: Mode): Promise<void> {
  const { child } = run;
  if (mode === 'double-ctrl-c') {
    child.kill('SIGINT');
    // The second Ctrl-C at the state where the first one has been taken (the runner says so).
    const until = performance.now() + 30_000;
    while (!run.output().includes('interrupted:') && performance.now() < until && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
  } else if (mode === 'SIGINT+SIGTERM@7.5s') {
    child.kill('SIGINT');
    // GitHub Actions' cancel: SIGINT, then SIGTERM 7.5 s later if the process still runs. A timed
    // sequence on purpose: it is what the CI runner does.
    await Promise.race([run.exited, new Promise((resolve) => setTimeout(resolve, 7500))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  } else {
    child.kill(mode);
  }
}

async function oneTrial(mode: Mode, index: number): Promise<Trial> {
  const scratch = await mkdtemp(join(tmpdir(), 'lhchaos-bench-kill-'));
  const tmpRoot = join(scratch, 'tmp');
  await mkdir(tmpRoot);
  const run = startRun({ outDir: join(scratch, 'out'), tmpRoot, seed: Number(values.seed) + index });
  try {
    const footprint = await waitMidScenario(run);
    const t0 = performance.now();
    const sending = send(run, mode);
    const [exitCode, exitSignal] = await run.exited;
    const exitMs = performance.now() - t0;
    await sending;
    let cleanMs: number | null = null;
    let left: Leftovers | undefined;
    for (;;) {
      left = await leftoversOf(footprint);
      if (nothingLeft(left)) {
        cleanMs = performance.now() - t0;
        break;
      }
      if (performance.now() - t0 > leftoverBoundMs) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return {
      mode,
      trial: index,
      exitCode,
      exitSignal,
      exitMs: Math.round(exitMs),
      cleanMs: cleanMs === null ? null : Math.round(cleanMs),
      ...(cleanMs === null ? { left } : {}),
      load1: loadavg()[0] ?? 0,
    };
  } finally {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await rm(scratch, { recursive: true, force: true });
  }
}

const results: Trial[] = [];
for (const mode of modes) {
  for (let i = 0; i < trials; i++) {
    const result = await oneTrial(mode, i);
    results.push(result);
    console.error(
      `${mode} #${i + 1}: exit ${result.exitCode ?? result.exitSignal} after ${result.exitMs} ms, ` +
        (result.cleanMs === null
          ? `LEFT ${JSON.stringify(result.left)}`
          : `clean after ${result.cleanMs} ms`) +
        ` (load ${result.load1.toFixed(1)})`,
    );
  }
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const table = modes.map((mode) => {
  const of = results.filter((r) => r.mode === mode);
  const clean = of.filter((r) => r.cleanMs !== null).map((r) => r.cleanMs as number);
  const codes = [...new Set(of.map((r) => r.exitCode ?? r.exitSignal))].join('/');
  return {
    mode,
    trials: of.length,
    clean: `${clean.length}/${of.length}`,
    exit: codes,
    'exit ms (median)': Math.round(
      quantile(
        of.map((r) => r.exitMs),
        0.5,
      ),
    ),
    'clean ms (median)': Math.round(quantile(clean, 0.5)),
    'clean ms (max)': Math.round(Math.max(...clean)),
  };
});
const out = { at: new Date().toISOString(), loadavg: loadavg(), trials, results, table };
await mkdir('bench/out', { recursive: true });
const file = join('bench/out', `kill-${out.at.replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
console.table(table);
console.log(`written to ${file}`);
