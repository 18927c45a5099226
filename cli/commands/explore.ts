// lhchaos explore: runs generated fault schedules, each aimed at coverage cells no earlier run reached,
// until the budget is spent; prints progress per run, and at the end (also after Ctrl-C) the distinct
// failures, the coverage reached and the exit code of the outcome. `--profile explore` is the nightly gate:
// known bugs fail, new findings are unknown. `lhchaos run --profile explore` comes here too.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/index.js';
import type { ExploreSummary } from '../../suites/explore/index.js';
import { setExitCode, type CliIo } from '../io.js';
import { ensureTools } from './tools.js';

export interface ExploreFlags {
  budget?: string;
  longhorn?: string;
  bim?: string;
  manager?: string;
  seed?: string;
  simBugs?: string;
  profile?: string;
  out?: string;
  envDir?: string;
  maxRuns?: string;
  timeFactor?: string;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

function printSummary(
  io: CliIo,
  summary: ExploreSummary,
  dir: string,
  failureLines: (summary: ExploreSummary) => string[],
): void {
  const { coverage } = summary;
  io.stdout.write(
    `explored ${summary.runs.length} run(s) in ${minutes(summary.elapsedMs)}${summary.interrupted ? ' (interrupted)' : ''}; ` +
      `coverage ${coverage.covered} of ${coverage.reachable} reachable cells (${coverage.cells} in the model)\n`,
  );
  const lines = failureLines(summary);
  if (lines.length > 0)
    io.stdout.write(`distinct failures (${lines.length}):\n${lines.map((l) => `  - ${l}`).join('\n')}\n`);
  else io.stdout.write('no failure found\n');
  const verdict = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' }[summary.outcome];
  io.stdout.write(`outcome: ${verdict}: ${summary.reason}\nsummary: ${join(dir, 'explore.json')}\n`);
}

/** The exploration as a command: shared by `lhchaos explore` and `lhchaos run --profile explore`. */
export async function exploreCommand(io: CliIo, flags: ExploreFlags, command: Command): Promise<void> {
  // Loaded here, not at the top: `lhchaos --help` must not pay for the runner.
  const [{ chaosEnv, parseDuration }, { failureLines, runExplore }, runner, chaosRun] = await Promise.all([
    import('../../suites/harness/index.js'),
    import('../../suites/explore/index.js'),
    import('../../suites/runner/index.js'),
    import('./chaos-run.js'),
  ]);
  const { PROFILES, checkReusedEnvironment, progressWriter, resolveRunOptions, toolsForRun } = runner;
  const { abortOnSignals } = chaosRun;
  const gate = flags.profile === 'explore';
  if (flags.profile !== undefined && !gate)
    throw new UsageError(
      `--profile: explore takes only the profile 'explore' (the nightly gate), got '${flags.profile}'`,
    );
  const budgetMs = flags.budget ? parseDuration(flags.budget, '--budget') : PROFILES.explore.budgetMs;
  let maxRuns: number | undefined;
  if (flags.maxRuns !== undefined) {
    maxRuns = Number(flags.maxRuns);
    if (!Number.isInteger(maxRuns) || maxRuns < 1)
      throw new UsageError(`--max-runs: expected a positive integer, got '${flags.maxRuns}'`);
  }
  const resolved = resolveRunOptions(
    {
      env: 'local',
      profile: 'explore',
      seed: flags.seed,
      longhorn: flags.longhorn,
      bim: flags.bim,
      manager: flags.manager,
      simBugs: flags.simBugs,
      envDir: flags.envDir,
      timeFactor: flags.timeFactor,
      out: flags.out,
    },
    chaosEnv(),
  );
  // Every flag is checked before anything is built or written: a bad --env-dir is exit 2 here, not the
  // first run failing to start (which would end the exploration as unknown).
  await checkReusedEnvironment(resolved);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const dir = resolve(flags.out ?? join('reports', 'out', `explore-${stamp}-s${resolved.seed}`));
  const bim = resolved.bim ?? 'model';
  const manager = resolved.manager ?? 'model';
  // Both always spelled out: whether a repro runs Longhorn's own code must not hang on a default.
  const components = ` --bim ${bim} --manager ${manager}`;
  const bugs = resolved.simBugs.length > 0 ? ` --sim-bugs ${resolved.simBugs.join(',')}` : '';
  const timeFactor = flags.timeFactor !== undefined ? ` --time-factor ${flags.timeFactor}` : '';
  io.stdout.write(
    `exploring Longhorn ${resolved.longhorn} (backing-image-manager: ${bim}, longhorn-manager: ${manager}${bugs ? `,${bugs.replace(' --sim-bugs', '')}` : ''}) for ${minutes(budgetMs)}, seed ${resolved.seed}${gate ? ', profile explore (gate)' : ''}\n` +
      `records: ${dir}\nrepro: lhchaos explore --budget ${Math.round(budgetMs / 1000)}s --longhorn ${resolved.longhorn}${components} --seed ${resolved.seed}${bugs}${timeFactor}${gate ? ' --profile explore' : ''}\n`,
  );
  const progress = progressWriter(io.stdout as NodeJS.WritableStream & { isTTY?: boolean });
  const signals = abortOnSignals(
    () => progress.note('interrupted: finishing the current run (faults heal), then the summary...'),
    () => progress.note('interrupted again: hurrying the teardown (processes get SIGKILL)...'),
  );
  try {
    // A fresh machine: build what the runs start before the first one.
    const needed = toolsForRun(resolved);
    if (needed.length > 0) await ensureTools(io, needed, signals.signal);
    const { summary, exitCode } = await runExplore({
      budgetMs,
      seed: resolved.seed,
      longhorn: resolved.longhorn,
      bim,
      manager,
      simBugs: resolved.simBugs,
      dir,
      gate,
      envDir: resolved.envDir,
      timeFactor: resolved.timeFactor,
      maxRuns,
      reproFor: (schedulePath, seed) =>
        `lhchaos run --env local --profile explore --seed ${seed} --longhorn ${resolved.longhorn}${components}${bugs} --schedule ${schedulePath}`,
      signal: signals.signal,
      hurry: signals.hurry,
      onRunStart: (index, name, targets) =>
        progress.note(`run ${index} ${name}: aiming at ${targets.join(', ')}`),
      onRunProgress: (p) => progress.update(p),
      onRunDone: (entry, s) => {
        const failed = entry.failures.map(
          (f) => `${f.signature.check} ${f.signature.subjectKind}${f.knownBug ? ` (${f.knownBug})` : ''}`,
        );
        progress.note(
          `run ${entry.index} ${entry.name}: ${String(entry.verdict)}${failed.length ? ` [${failed.join('; ')}]` : ''}, ` +
            `+${entry.newCells.length} cell(s), coverage ${s.coverage.covered}/${s.coverage.reachable}, ${minutes(entry.elapsedMs)} of ${minutes(budgetMs)}`,
        );
      },
      onLog: (message) => progress.note(message),
    });
    progress.done();
    printSummary(io, summary, dir, failureLines);
    setExitCode(command, exitCode);
  } finally {
    signals.dispose();
    progress.done();
  }
}

export function registerExplore(program: Command, io: CliIo): void {
  program
    .command('explore')
    .description('run generated fault schedules aimed at uncovered coverage cells until the budget is spent')
    .option('--budget <d>', 'wall-clock budget, e.g. 30m (default: the explore profile, 10m)')
    .option('--longhorn <version>', 'Longhorn version v1.8.1 | v1.9.0 | v1.9.2 | v1.10.2 (default v1.8.1)')
    .option(
      '--bim <kind>',
      "real (Longhorn's own backing-image-manager and backupstore; the default where a build runs here: " +
        'v1.8.1, and v1.9.2 for v1.9.0 and v1.9.2) or model, as `lhchaos run`',
    )
    .option(
      '--manager <kind>',
      "real (longhorn-manager's own controllers at time factor 1; default for v1.8.1, v1.9.0 with --bim real) " +
        "or model (the simulator's), as `lhchaos run`",
    )
    .option('--seed <n>', 'the seed every schedule derives from (default: random, printed)')
    .option('--sim-bugs <edits>', 'simulator bug switches, e.g. +regress-progress,+ready-with-incomplete-bbi')
    .option('--profile <name>', "'explore': the nightly gate (known bugs fail, new findings are unknown)")
    .option('--out <dir>', 'the exploration directory (default reports/out/explore-<stamp>-s<seed>)')
    .option('--env-dir <dir>', 'reuse a running local environment for every run')
    .option('--max-runs <n>', 'stop after this many runs')
    .option('--time-factor <f>', 'factor on Longhorn timings (default 0.05; 1 with --manager real)')
    .action((flags: ExploreFlags, command: Command) => exploreCommand(io, flags, command));
}
