// Kill trials of `lhchaos run`: start a run with its own environment, wait for a state of the run (the
// faults phase, a rule armed), send signals, then watch until nothing of the run is left: no process
// (recorded ones, its watchdog, anything naming its folder), no listening port, no folder. Shared by the
// SIGKILL test (suites/self/kill.test.ts) and the benchmark (bench/kill/index.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvJson, OwnerJson } from '../fixtures/local/index.js';
import type { HistoryEvent, RunMeta } from '../record/index.js';
import { waitFor } from './wait.js';

const LHCHAOS = fileURLToPath(new URL('../bin/lhchaos.js', import.meta.url));

export interface RunningTrial {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  output: () => string;
  outDir: string;
}

/** Starts `lhchaos run` (smoke, local, its own environment) with TMPDIR = `tmpRoot`. */
export function startRun(options: { outDir: string; tmpRoot: string; seed: number }): RunningTrial {
  const child = spawn(
    process.execPath,
    [
      LHCHAOS,
      'run',
      '--env',
      'local',
      '--profile',
      'smoke',
      '--seed',
      String(options.seed),
      '--out',
      options.outDir,
    ],
    { env: { ...process.env, TMPDIR: options.tmpRoot }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, output: () => output, outDir: options.outDir };
}

async function readJson<T>(path: string): Promise<T | undefined> {
  return readFile(path, 'utf8').then(
    (text) => JSON.parse(text) as T,
    () => undefined,
  );
}

async function historyOf(runDir: string): Promise<HistoryEvent[]> {
  const text = await readFile(join(runDir, 'history.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() === '' ? [] : [JSON.parse(line) as HistoryEvent];
    } catch {
      return []; // a line being written
    }
  });
}

/** What belongs to the run, read from its record and its environment folder once it is mid-scenario. */
export interface RunFootprint {
  runDir: string;
  envDir: string;
  pids: number[];
  /** TCP endpoints (`address:port`) the run's environment processes listen on. */
  ports: string[];
}

/** Waits until the run is in its faults phase with a rule armed, then reads what belongs to it. */
export async function waitMidScenario(trial: RunningTrial, timeoutMs = 240_000): Promise<RunFootprint> {
  return waitFor('the run to reach its faults phase with a rule armed', timeoutMs, async () => {
    if (trial.child.exitCode !== null) throw new Error(`the run ended early:\n${trial.output()}`);
    const runs = await readdir(trial.outDir).catch(() => [] as string[]);
    if (runs.length === 0) return undefined;
    const runDir = join(trial.outDir, runs[0]!);
    const events = await historyOf(runDir);
    const armed =
      events.some((e) => e.type === 'phase' && e.name === 'faults') &&
      events.some((e) => e.type === 'rule' && e.action === 'add');
    if (!armed) return undefined;
    const meta = await readJson<RunMeta>(join(runDir, 'meta.json'));
    const envDir = meta?.environment?.dir;
    if (envDir === undefined) throw new Error(`meta.json names no environment folder:\n${trial.output()}`);
    const env = await readJson<EnvJson>(join(envDir, 'env.json'));
    const owner = await readJson<OwnerJson>(join(envDir, 'owner.json'));
    if (env === undefined || owner?.watchdog === undefined) return undefined;
    const pids = [...env.processes.map((p) => p.pid), owner.watchdog.pid];
    return { runDir, envDir, pids, ports: await listeningPortsOf(pids) };
  });
}

/** Processes alive (not zombies) among `pids`, plus any whose command line names `dir`. */
export async function survivors(pids: number[], dir: string): Promise<number[]> {
  const found = new Set<number>();
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '' || stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
    if (pids.includes(pid)) {
      found.add(pid);
      continue;
    }
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`${dir}/`) || cmdline.split('\0').includes(dir)) found.add(pid);
  }
  return [...found];
}

/** `0100007F:1F40` (/proc/net/tcp, little-endian IPv4) as `127.0.0.1:8000`; an IPv6 address stays hex. */
function endpointOf(field: string): string {
  const [address = '', portHex = ''] = field.split(':');
  const port = parseInt(portHex, 16);
  if (address.length !== 8) return `[${address}]:${port}`;
  const bytes = address.match(/../g)!.map((b) => parseInt(b, 16));
  return `${bytes.reverse().join('.')}:${port}`;
}

/**
 * Every TCP endpoint in LISTEN state on this machine (IPv4 and IPv6), with the socket inode. Address and
 * port both: Longhorn's backing-image managers and the manager harness listen on fixed ports (8000, 8001,
 * 8501) of addresses of their own, so another environment on the machine holds the same port numbers.
 */
async function listeningSockets(): Promise<{ endpoint: string; inode: string }[]> {
  const sockets: { endpoint: string; inode: string }[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A' || fields[1] === undefined) continue; // LISTEN
      sockets.push({ endpoint: endpointOf(fields[1]), inode: fields[9] ?? '' });
    }
  }
  return sockets;
}

async function listeningPortsOf(pids: number[]): Promise<string[]> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]!);
    }
  }
  return [...new Set((await listeningSockets()).filter((s) => inodes.has(s.inode)).map((s) => s.endpoint))];
}

/** Endpoints (`address:port`) among `endpoints` that something still listens on. */
export async function heldPorts(endpoints: string[]): Promise<string[]> {
  const listening = new Set((await listeningSockets()).map((s) => s.endpoint));
  return endpoints.filter((e) => listening.has(e));
}

export interface Leftovers {
  processes: number[];
  ports: string[];
  folder: boolean;
}

export async function leftoversOf(footprint: RunFootprint): Promise<Leftovers> {
  return {
    processes: await survivors(footprint.pids, footprint.envDir),
    ports: await heldPorts(footprint.ports),
    folder: existsSync(footprint.envDir),
  };
}

export const nothingLeft = (l: Leftovers): boolean =>
  l.processes.length === 0 && l.ports.length === 0 && !l.folder;
