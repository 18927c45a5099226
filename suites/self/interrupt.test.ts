// Ctrl-C during a run, sent at a state of the run, never at a time, so that the documented answer is
// fixed whatever the machine's load:
// - once the record holds a stall past the window (the workload reported it), the safety check keeps its
//   `false` (suites/runner/check.ts): exit 1, and the teardown still heals every rule, removes every CR
//   of the run and gives the BackupTarget its poll interval back;
// - while the run cannot leave its setup (the test holds the API server with SIGSTOP), no SystemBackup
//   can ever exist, nothing can fail, and an interrupted run cannot pass: exit 3.
// The environment outlives the child in both cases.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import { waitFor } from '../../test-support/wait.js';
import type { HistoryEvent, OpEvent } from '../../record/index.js';
import { LonghornClient, leftoversOf } from '../workloads/index.js';

async function historyOf(outDir: string): Promise<{ runDir: string; events: HistoryEvent[] } | undefined> {
  const runs = await readdir(outDir).catch(() => [] as string[]);
  if (runs.length === 0) return undefined;
  const runDir = join(outDir, runs[0]!);
  const text = await readFile(join(runDir, 'history.jsonl'), 'utf8').catch(() => '');
  const events = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as HistoryEvent];
      } catch {
        return []; // a line being written
      }
    });
  return { runDir, events };
}

/** The workload's own report that a SystemBackup made no progress for a whole stall window. */
const stallReported = (events: HistoryEvent[]): boolean =>
  events.some(
    (e) =>
      e.type === 'op' &&
      (e as OpEvent).f === 'system-backup' &&
      (e as OpEvent).phase === 'info' &&
      ((e as OpEvent).value as { result?: string } | undefined)?.result === 'stalled',
  );

describe('self: Ctrl-C during a run', function () {
  this.timeout(300_000);
  const environment = useLocalEnvironment();
  let outDir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let heldApiServer: number | undefined;

  beforeEach(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lhchaos-interrupt-'));
    output = '';
  });

  afterEach(async () => {
    if (heldApiServer !== undefined) process.kill(heldApiServer, 'SIGCONT');
    heldApiServer = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await rm(outDir, { recursive: true, force: true });
  });

  function startRun(longhorn: string): Promise<[number | null]> {
    const env = environment();
    child = spawn(
      process.execPath,
      [
        'bin/lhchaos.js',
        'run',
        '--env',
        'local',
        '--env-dir',
        env.dir,
        '--profile',
        'smoke',
        '--longhorn',
        longhorn,
        // The simulator's models: the states these tests stop at are the model's (the test environment
        // runs no real backing-image-manager).
        '--bim',
        'model',
        '--seed',
        '5',
        '--out',
        outDir,
      ],
      { cwd: new URL('../../', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return once(child, 'exit') as Promise<[number | null]>;
  }

  const waitForHistory = (what: string, predicate: (events: HistoryEvent[]) => boolean) =>
    waitFor(`the run's history to show ${what}`, 240_000, async () => {
      if (child?.exitCode !== null) throw new Error(`the run ended before ${what}:\n${output}`);
      const found = await historyOf(outDir);
      return found && predicate(found.events) ? found : undefined;
    });

  /** The exit code; the bound only turns a hang into a failure with the output. */
  const exitOf = async (exited: Promise<[number | null]>) =>
    (
      await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no exit after SIGINT:\n${output}`)), 120_000),
        ),
      ])
    )[0];

  it('after a stall was recorded: exit 1 (the false stays), faults healed and run objects removed', async () => {
    const exited = startRun('v1.8.1');
    await waitForHistory('a stall reported by the workload', stallReported);
    child!.kill('SIGINT');
    const code = await exitOf(exited);
    assert.equal(code, 1, `a stall seen before the interruption is a failure:\n${output}`);

    const { runDir, events } = (await historyOf(outDir))!;
    const verdict = JSON.parse(await readFile(join(runDir, 'verdict.json'), 'utf8')) as {
      checks: { name: string; valid: unknown }[];
    };
    assert.ok(verdict.checks.some((c) => c.name === 'no-stuck-state' && c.valid === false));
    const added = events
      .filter((e) => e.type === 'rule' && e.action === 'add')
      .map((e) => (e as { rule: { name: string } }).rule.name);
    const removed = new Set(
      events
        .filter((e) => e.type === 'rule' && (e.action === 'remove' || e.action === 'expired'))
        .map((e) => (e as { rule: { name: string } }).rule.name),
    );
    assert.ok(added.length > 0);
    for (const name of added) assert.ok(removed.has(name), `rule ${name} was armed and never removed`);
    assert.ok(events.some((e) => e.type === 'phase' && e.name === 'teardown'));
    // The runner stops at verdict.json; the CLI renders the reports, also for an interrupted run.
    for (const file of ['verdict.json', 'junit.xml', 'report.html']) await access(join(runDir, file));
    assert.match(output, /report: .*report\.html/, output);

    const runId = runDir.split('/').pop()!;
    const client = new LonghornClient(environment.kubeConfig(), environment().env.namespace);
    assert.deepEqual(await leftoversOf(client, runId), [], 'no CR of the run is left');
    const firstTarget = events.find((e) => e.type === 'watch' && e.kind === 'BackupTarget');
    const target = await client.get('BackupTarget', 'default');
    assert.equal(
      (target?.spec as { pollInterval?: string }).pollInterval,
      (firstTarget as { object: { spec?: { pollInterval?: string } } }).object.spec?.pollInterval,
      'pollInterval restored',
    );
  });

  it('during setup, before any SystemBackup can exist: exit 3 (an interrupted run cannot decide)', async () => {
    const apiServer = environment().env.processes.find((p) => p.name === 'apiextensions-apiserver')!;
    // Held: the run cannot leave its setup (every request to the API server waits) until SIGCONT.
    process.kill(apiServer.pid, 'SIGSTOP');
    heldApiServer = apiServer.pid;
    const exited = startRun('v1.9.0');
    await waitForHistory('the setup phase', (events) =>
      events.some((e) => e.type === 'phase' && e.name === 'setup'),
    );
    child!.kill('SIGINT');
    // The signal is handled without the API server; the teardown needs it.
    await waitFor('the run to take the interruption', 60_000, async () =>
      output.includes('interrupted') ? true : undefined,
    );
    process.kill(apiServer.pid, 'SIGCONT');
    heldApiServer = undefined;
    const code = await exitOf(exited);
    assert.equal(code, 3, `nothing ran, so nothing can pass or fail:\n${output}`);

    const { runDir, events } = (await historyOf(outDir))!;
    assert.ok(!events.some((e) => e.type === 'op' && (e as OpEvent).f === 'system-backup'));
    assert.ok(events.some((e) => e.type === 'phase' && e.name === 'teardown'));
    const runId = runDir.split('/').pop()!;
    const client = new LonghornClient(environment.kubeConfig(), environment().env.namespace);
    assert.deepEqual(await leftoversOf(client, runId), [], 'no CR of the run is left');
  });
});
