// The run's processes' CPU accounting from Linux's per-thread /proc/<pid>/task/<tid>/schedstat (ns on a
// CPU, ns waiting on a run queue, timeslices): what paced time is measured from (pace.ts).
import { readdir, readFile } from 'node:fs/promises';

/** One thread's counters since it started. */
export interface ThreadCounters {
  runNs: number;
  waitNs: number;
}

/** Reads the counters of the watched processes' threads; the pacer's injected I/O. */
export interface SchedstatSource {
  /** Every thread of the watched processes, keyed `pid/tid`; threads and processes that are gone are absent. */
  read(): Promise<Map<string, ThreadCounters>>;
}

/** Parses one schedstat line: `<ns on CPU> <ns waiting> <timeslices>`; undefined when it is not one. */
export function parseSchedstat(text: string): ThreadCounters | undefined {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait))
    return undefined;
  return { runNs: run, waitNs: wait };
}

async function readThread(path: string): Promise<ThreadCounters | undefined> {
  try {
    return parseSchedstat(await readFile(path, 'utf8'));
  } catch {
    // The thread ended between the listing and the read.
    return undefined;
  }
}

/** The threads of `pids` (asked again at every read: processes restart under cluster faults) from `/proc`. */
export function procSchedstat(
  pids: () => Promise<readonly number[]> | readonly number[],
  procRoot = '/proc',
): SchedstatSource {
  return {
    async read() {
      const counters = new Map<string, ThreadCounters>();
      const unique = [...new Set(await pids())];
      await Promise.all(
        unique.map(async (pid) => {
          const tids = await readdir(`${procRoot}/${pid}/task`).catch(() => [] as string[]);
          const threads = await Promise.all(
            tids.map(
              async (tid) => [tid, await readThread(`${procRoot}/${pid}/task/${tid}/schedstat`)] as const,
            ),
          );
          for (const [tid, thread] of threads) if (thread) counters.set(`${pid}/${tid}`, thread);
        }),
      );
      return counters;
    },
  };
}

/** Whether this system keeps per-thread schedstat (Linux with schedstats): else paced time is wall time. */
export async function schedstatAvailable(pid = process.pid, procRoot = '/proc'): Promise<boolean> {
  return (await readThread(`${procRoot}/${pid}/task/${pid}/schedstat`)) !== undefined;
}
