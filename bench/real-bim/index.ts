// Real backing-image-manager benchmark (node --import tsx bench/real-bim/index.ts [--seeds 10] [--first 1]
// [--parallel 2] [--model-seeds 3]): `npm run chaos`'s run (smoke, partial-sync) with Longhorn's own BIM,
// for each seed on v1.8.1 (BIM v1.8.1: #10740 must be caught) and on v1.9.0 (BIM v1.9.2: no false
// alarm), plus the same run against the model for a few seeds (time per run, side by side), the time
// `env up` takes with the managers, and each manager's memory. Not a test: the numbers go into the notes.
// Writes JSON to bench/out/real-bim-<time>.json and prints a table.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealBackingImageManagerService } from '../../fixtures/bim/index.js';
import { restartBackingImageManagerProcess, startLocalEnvironment } from '../../fixtures/local/index.js';
import { drive } from '../../suites/self/drive.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    first: { type: 'string', default: '1' },
    parallel: { type: 'string', default: '2' },
    'model-seeds': { type: 'string', default: '3' },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.first) + i);
const parallel = Math.max(1, Number(values.parallel));

interface RunRow {
  longhorn: string;
  bim: 'real' | 'model';
  seed: number;
  exitCode: number;
  /** A BBI stuck at InProgress 0% was found (no-stuck-state or bbi-completes false on a BBI). */
  stuckBbi: boolean;
  /** The BIM logs of the record hold the "already exists" line. */
  alreadyExistsLogged: boolean;
  failedChecks: string[];
  seconds: number;
  runDir: string;
}

async function oneRun(
  longhorn: string,
  bim: 'real' | 'model',
  seed: number,
  outDir: string,
): Promise<RunRow> {
  const started = performance.now();
  // One folder per job: run ids are time and seed, and two jobs of one seed may start in the same second.
  const jobDir = join(outDir, `${longhorn}-${bim}-s${seed}`);
  await mkdir(jobDir, { recursive: true });
  const run = await drive({ longhorn, bim, seed, scenarios: ['partial-sync'], outDir: jobDir });
  const seconds = (performance.now() - started) / 1000;
  const failed = run.verdict.checks.filter((c) => c.valid === false && c.severity === 'error');
  const stuckBbi = failed.some(
    (c) =>
      (c.name === 'no-stuck-state' || c.name === 'bbi-completes') &&
      c.subject?.startsWith('BackupBackingImage/') === true &&
      /InProgress 0%/.test(c.message),
  );
  let alreadyExistsLogged = false;
  for (const log of run.meta.logs ?? []) {
    const text = await readFile(join(run.runDir, log), 'utf8').catch(() => '');
    if (text.includes('Backup BackingImage already exists, no need to perform backup'))
      alreadyExistsLogged = true;
  }
  return {
    longhorn,
    bim,
    seed,
    exitCode: run.exitCode,
    stuckBbi,
    alreadyExistsLogged,
    failedChecks: [...new Set(failed.map((c) => c.name))],
    seconds: Math.round(seconds),
    runDir: run.runDir,
  };
}

/** Runs the jobs `parallel` at a time (each run has its own environment, addresses and ports). */
async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      results.push(await job());
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** `env up` with two managers, and each manager's resident memory idle and after importing and backing up an image. */
async function envAndMemory() {
  const dir = await mkdtemp(join(tmpdir(), 'lhchaos-bench-bim-'));
  try {
    const started = performance.now();
    const local = await startLocalEnvironment({
      dir,
      lifetime: 'tied',
      backingImageManagers: { version: 'v1.8.1' },
    });
    const upSeconds = (performance.now() - started) / 1000;
    const rss = async (pid: number) => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      return { rssMiB: +(kb('VmRSS') / 1024).toFixed(1), peakMiB: +(kb('VmHWM') / 1024).toFixed(1) };
    };
    // A run's image: 21 blocks of 2 MiB, 4 KiB of data at the head of each (see image-data.ts).
    const image = Buffer.alloc(21 * 2 * 1024 * 1024);
    for (let i = 0; i < 21; i++) randomBytes(4096).copy(image, i * 2 * 1024 * 1024);
    const file = {
      name: 'bench',
      uuid: 'bench-uuid',
      size: image.length,
      checksum: createHash('sha512').update(image).digest('hex'),
    };
    const server = createServer((_q, r) => r.end(image));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench.raw`;
    const bims = local.env.backingImageManagers!;
    const managers = [];
    for (const disk of bims.disks) {
      const pid = local.env.processes.find((p) => p.name === disk.process)!.pid;
      const service = new RealBackingImageManagerService(
        { ip: disk.ip, pid },
        {
          binary: bims.binary,
          dataSourceLog: join(dir, 'logs', `${disk.process}.data-source.log`),
          restart: () => restartBackingImageManagerProcess(dir, disk.process, { host: local.host }),
        },
      );
      const idle = await rss(pid);
      await service.prepareFile(file, { kind: 'download', url });
      await service.backupCreate(
        {
          name: file.name,
          uuid: file.uuid,
          checksum: file.checksum,
          backupTarget: `s3://backupbucket@us-east-1/bench-${disk.process}`,
          labels: [],
          credential: {
            AWS_ACCESS_KEY_ID: local.env.s3.accessKey,
            AWS_SECRET_ACCESS_KEY: local.env.s3.secretKey,
            AWS_ENDPOINTS: local.env.s3.endpoint,
          },
          compressionMethod: 'lz4',
          concurrentLimit: 2,
          parameters: {},
        },
        120_000,
      );
      while ((await service.backupStatus(file.name, 60_000)).state === 'in_progress') {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      service.close();
      managers.push({ process: disk.process, idle, afterBackup: await rss(pid) });
    }
    server.close();
    await local.stop();
    return { upSeconds: +upSeconds.toFixed(1), timings: local.timings, managers };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const outDir = await mkdtemp(join(tmpdir(), 'lhchaos-bench-real-bim-'));
  const env = await envAndMemory();
  console.log(
    `env up with 2 real BIMs: ${env.upSeconds} s; BIM RSS idle: ${env.managers.map((m) => `${m.idle.rssMiB} MiB`).join(', ')}`,
  );
  const jobs: (() => Promise<RunRow>)[] = [];
  for (const seed of seeds) {
    jobs.push(() => oneRun('v1.8.1', 'real', seed, outDir));
    jobs.push(() => oneRun('v1.9.0', 'real', seed, outDir));
  }
  for (const seed of seeds.slice(0, Number(values['model-seeds']))) {
    jobs.push(() => oneRun('v1.8.1', 'model', seed, outDir));
    jobs.push(() => oneRun('v1.9.0', 'model', seed, outDir));
  }
  const rows: RunRow[] = [];
  for (const row of await pool(
    jobs.map((job) => async () => {
      const row = await job();
      console.log(
        `${row.longhorn} ${row.bim.padEnd(5)} seed ${String(row.seed).padStart(3)}: exit ${row.exitCode} ` +
          `stuck-bbi ${row.stuckBbi} already-exists-logged ${row.alreadyExistsLogged} ${row.seconds} s ` +
          `${row.failedChecks.join(',')}`,
      );
      return row;
    }),
  ))
    rows.push(row);
  const real = (longhorn: string) => rows.filter((r) => r.bim === 'real' && r.longhorn === longhorn);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const summary = {
    caughtOnV181: real('v1.8.1').filter((r) => r.exitCode === 1 && r.stuckBbi).length,
    caughtWithAlreadyExistsLogged: real('v1.8.1').filter((r) => r.stuckBbi && r.alreadyExistsLogged).length,
    seedsV181: real('v1.8.1').length,
    falseAlarmsOnV190: real('v1.9.0').filter((r) => r.exitCode !== 0).length,
    seedsV190: real('v1.9.0').length,
    medianSecondsReal: median(rows.filter((r) => r.bim === 'real').map((r) => r.seconds)),
    medianSecondsModel: median(rows.filter((r) => r.bim === 'model').map((r) => r.seconds)),
  };
  console.table(summary);
  await mkdir('bench/out', { recursive: true });
  const file = join('bench/out', `real-bim-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ env, summary, rows, parallel }, null, 2)}\n`);
  console.log(`written ${file} (run records in ${outDir})`);
}

await main();
