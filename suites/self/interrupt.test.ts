// Ctrl-C in the middle of a run: the child `lhchaos run` gets SIGINT once the history shows the faults
// phase; afterwards no rule stays armed (every `add` has its `remove`), no CR of the run is left in the
// API server, and the BackupTarget has its poll interval back. The environment outlives the child.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import type { HistoryEvent } from '../../record/index.js';
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

/** Polls the child's history until `predicate` holds; fails after `timeoutMs`. */
async function waitForHistory(
  outDir: string,
  predicate: (events: HistoryEvent[]) => boolean,
  timeoutMs: number,
) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const found = await historyOf(outDir);
    if (found && predicate(found.events)) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the run's history did not reach the expected point within ${timeoutMs} ms`);
}

describe('self: Ctrl-C during a run', function () {
  this.timeout(240_000);
  const environment = useLocalEnvironment();
  let outDir: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lhchaos-interrupt-'));
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await rm(outDir, { recursive: true, force: true });
  });

  it('heals the faults and removes the run objects', async () => {
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
        '--seed',
        '5',
        '--out',
        outDir,
      ],
      { cwd: new URL('../../', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    await waitForHistory(
      outDir,
      (events) =>
        events.some((e) => e.type === 'phase' && e.name === 'faults') &&
        events.some((e) => e.type === 'rule' && e.action === 'add'),
      120_000,
    );
    child.kill('SIGINT');
    const [code] = (await Promise.race([
      exited,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no exit after SIGINT:\n${output}`)), 90_000),
      ),
    ])) as [number | null];
    assert.equal(code, 3, `an interrupted run cannot decide:\n${output}`);

    const { runDir, events } = (await historyOf(outDir))!;
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
    const client = new LonghornClient(environment.kubeConfig(), env.env.namespace);
    assert.deepEqual(await leftoversOf(client, runId), [], 'no CR of the run is left');
    const firstTarget = events.find((e) => e.type === 'watch' && e.kind === 'BackupTarget');
    const target = await client.get('BackupTarget', 'default');
    assert.equal(
      (target?.spec as { pollInterval?: string }).pollInterval,
      (firstTarget as { object: { spec?: { pollInterval?: string } } }).object.spec?.pollInterval,
      'pollInterval restored',
    );
  });
});
