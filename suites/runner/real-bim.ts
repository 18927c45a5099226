// Longhorn's own backing-image-managers of a local environment, handed to the simulator as its disks, and
// their logs kept in the run record (only what they wrote during the run, when the environment is reused).
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RealBackingImageManagerService } from '../../fixtures/bim/index.js';
import {
  restartBackingImageManagerProcess,
  type EnvJson,
  type ProcessHost,
} from '../../fixtures/local/index.js';
import type { DiskManager } from '../../fixtures/simulator/index.js';

/**
 * The simulator's disks, each served by the environment's real manager process. `host`: the watchdog of
 * the run's own environment, which a restarted manager is started by (absent for a reused environment).
 */
export function realDiskManagers(env: EnvJson, host?: ProcessHost): DiskManager[] {
  const bims = env.backingImageManagers;
  if (!bims) return [];
  return bims.disks.map((disk) => {
    const record = env.processes.find((p) => p.name === disk.process);
    if (!record) throw new Error(`env.json of ${env.dir} records no process ${disk.process}`);
    const service = new RealBackingImageManagerService(
      { ip: disk.ip, pid: record.pid },
      {
        binary: bims.binary,
        dataSourceLog: join(env.dir, 'logs', `${disk.process}.data-source.log`),
        restart: () => restartBackingImageManagerProcess(env.dir, disk.process, { host }),
      },
    );
    return { node: disk.node, disk: disk.disk, diskUUID: disk.diskUUID, service };
  });
}

export interface KeptLog {
  /** The log in the environment. */
  source: string;
  /** Where it goes, relative to the run directory. */
  relative: string;
  target: string;
  /** Bytes written before the run began (an environment reused across runs keeps one log). */
  offset: number;
}

/** One log of the environment, with its size now. */
export async function logOf(env: EnvJson, name: string, runDir: string): Promise<KeptLog> {
  const source = join(env.dir, 'logs', name);
  const offset = await stat(source).then(
    (s) => s.size,
    () => 0,
  );
  return { source, relative: join('logs', name), target: join(runDir, 'logs', name), offset };
}

/** Each manager's log and its data sources' log, with their sizes now. */
export async function bimLogsOf(env: EnvJson, runDir: string): Promise<KeptLog[]> {
  const logs: KeptLog[] = [];
  for (const disk of env.backingImageManagers?.disks ?? []) {
    for (const name of [`${disk.process}.log`, `${disk.process}.data-source.log`]) {
      const source = join(env.dir, 'logs', name);
      const offset = await stat(source).then(
        (s) => s.size,
        () => 0,
      );
      logs.push({ source, relative: join('logs', name), target: join(runDir, 'logs', name), offset });
    }
  }
  return logs;
}

/** Copies what each log gained since `offset`; a log that never appeared becomes an empty file. */
export async function keepLogs(logs: readonly KeptLog[]): Promise<void> {
  for (const log of logs) {
    await mkdir(dirname(log.target), { recursive: true });
    const out = await open(log.target, 'w');
    try {
      const input = await open(log.source, 'r').catch(() => undefined);
      if (!input) continue;
      try {
        for await (const chunk of input.createReadStream({ start: log.offset, autoClose: false })) {
          await out.write(chunk as Buffer);
        }
      } finally {
        await input.close();
      }
    } finally {
      await out.close();
    }
  }
}
