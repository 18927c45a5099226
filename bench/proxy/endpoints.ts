// The proxies the benchmark puts in front of MinIO, each in a process of its own so its CPU time can be read:
// `lhchaos proxy` with no rules, and Toxiproxy (the pinned build) with one proxy and no toxics.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { freeLoopbackPort } from '../../fixtures/local/index.js';
import { locateTool } from '../../fixtures/toolchain/index.js';

export interface ProxyProcess {
  child: ChildProcess;
  /** The S3 endpoint through the proxy. */
  dataUrl: string;
  /** Our proxy's control URL (Toxiproxy's API URL for Toxiproxy). */
  controlUrl: string;
  stop(): Promise<void>;
}

/** User+system CPU seconds of a process (Linux /proc), or null elsewhere or once it is gone. */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** `lhchaos proxy` in front of `upstream`, no rules, no decision file (the in-memory log still records). */
export async function startLhchaosProxy(upstream: string): Promise<ProxyProcess> {
  const args = ['bin/lhchaos.js', 'proxy', '--upstream', upstream, '--listen', '127.0.0.1:0'];
  const child = spawn(process.execPath, [...args, '--control', '127.0.0.1:0', '--seed', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = once(child, 'exit');
  while (!/control (\S+)/.test(out)) {
    await Promise.race([
      once(child.stdout!, 'data'),
      exited.then(() => Promise.reject(new Error(`lhchaos proxy exited: ${out}`))),
    ]);
  }
  return {
    child,
    dataUrl: /data (\S+)/.exec(out)![1]!,
    controlUrl: /control (\S+)/.exec(out)![1]!,
    stop: () => stopChild(child),
  };
}

/**
 * Toxiproxy's server on a free port, and one proxy (no toxics) from a free port to `upstream`. Its stdin is
 * a pipe it watches (LHCHAOS_STOP_ON_STDIN_EOF): if this process dies, even by SIGKILL, the server stops.
 */
export async function startToxiproxy(upstream: string): Promise<ProxyProcess> {
  const binary = await locateTool('toxiproxy', { install: true });
  const upstreamAddress = new URL(upstream).host;
  let lastError: unknown;
  // The API port is chosen, then bound by the child: another process may take it in between.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort('toxiproxy api');
    const child = spawn(binary, ['-host', '127.0.0.1', '-port', String(port)], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, LHCHAOS_STOP_ON_STDIN_EOF: '1' },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const api = `http://127.0.0.1:${port}`;
    try {
      await waitForApi(api, child);
      const created = await fetch(`${api}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name: 'minio', listen: '127.0.0.1:0', upstream: upstreamAddress }),
      });
      if (created.status !== 201) throw new Error(`toxiproxy: create proxy: ${await created.text()}`);
      const { listen } = (await created.json()) as { listen: string };
      return { child, dataUrl: `http://${listen}`, controlUrl: api, stop: () => stopChild(child) };
    } catch (error) {
      await stopChild(child);
      lastError = new Error(`toxiproxy on port ${port}: ${String(error)}; stderr: ${stderr.trim()}`);
    }
  }
  throw lastError;
}

async function waitForApi(api: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const ok = await fetch(`${api}/version`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await delay(50);
  }
  throw new Error('API not ready after 10 s');
}
