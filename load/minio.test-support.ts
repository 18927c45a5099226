// For load/'s tests only, until test-support/minio.ts lands: a real MinIO on a free loopback port, and a
// way to list what a bucket holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';

export interface TestMinio {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  client: Client;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function minioBinary(): string {
  if (process.env.LHCHAOS_MINIO) return process.env.LHCHAOS_MINIO;
  const path = join(
    homedir(),
    '.cache/longhorn-chaos/tools/minio/v0.0.0-20260212201848-7aac2a2c5b7c/bin/minio',
  );
  if (!existsSync(path)) throw new Error(`MinIO not found at ${path}: run \`lhchaos tools install\``);
  return path;
}

export async function startTestMinio(): Promise<TestMinio> {
  const dir = await mkdtemp(join(tmpdir(), 'lhchaos-load-minio-'));
  const [port, consolePort] = [await freePort(), await freePort()];
  const accessKey = 'loadtest';
  const secretKey = 'loadtest-secret';
  const child: ChildProcess = spawn(
    minioBinary(),
    [
      'server',
      dir,
      '--address',
      `127.0.0.1:${port}`,
      '--console-address',
      `127.0.0.1:${consolePort}`,
      '--quiet',
    ],
    {
      env: {
        ...process.env,
        MINIO_ROOT_USER: accessKey,
        MINIO_ROOT_PASSWORD: secretKey,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
        MINIO_CI_CD: '1',
      },
      stdio: 'ignore',
    },
  );
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`MinIO exited with ${child.exitCode}`);
    }
    const ready = await fetch(`${endpoint}/minio/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('MinIO did not become ready in 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = new Client({ endPoint: '127.0.0.1', port, useSSL: false, accessKey, secretKey });
  return { endpoint, accessKey, secretKey, client, stop };
}

/** Every object in the bucket with its size. */
export async function listAll(client: Client, bucket: string, prefix = ''): Promise<Map<string, number>> {
  const objects = new Map<string, number>();
  for await (const item of client.listObjectsV2(bucket, prefix, true)) {
    const entry = item as { name?: string; size?: number };
    if (entry.name !== undefined) objects.set(entry.name, entry.size ?? -1);
  }
  return objects;
}
