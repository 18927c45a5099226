// A run on a reused environment (`--env-dir`) meets Longhorn's own backing-image-managers as a fresh
// environment's: what an earlier run left in their in-memory backup lists is gone, so a run of the same
// seed (every try of `lhchaos shrink`) is not answered with the earlier run's entry
// (docs/longhorn.md#backing-image-manager).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../common/index.js';
import { RealBackingImageManagerService } from '../../fixtures/bim/index.js';
import { readEnvironment, restartBackingImageManagerProcess } from '../../fixtures/local/index.js';
import { useLocalEnvironment } from '../../test-support/local-env.js';
import { openLocalTarget } from './target.js';
import { TaskStack } from './tasks.js';

const IMAGE = Buffer.alloc(2 * 1024 * 1024, 7);
/** A backing image with the name an earlier run of the seed gave it. */
const FILE = {
  name: 'bi-earlier-0-1-0',
  uuid: 'bi-earlier-uuid',
  size: IMAGE.length,
  checksum: createHash('sha512').update(IMAGE).digest('hex'),
};

describe("a run on a reused environment: Longhorn's own backing-image-manager forgets earlier runs", function () {
  this.timeout(300_000);
  const local = useLocalEnvironment({
    backingImageManagers: { version: 'v1.8.1', disks: [{ node: 'node-1', disk: 'disk-1' }] },
  });
  let server: Server;
  let runDir: string;
  before(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-length': String(IMAGE.length) });
      response.end(IMAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    runDir = await mkdtemp(join(tmpdir(), 'lhchaos-reused-env-'));
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await rm(runDir, { recursive: true, force: true });
  });

  /** The environment's one backing-image-manager as env.json names it now. */
  async function bimOf(dir: string): Promise<RealBackingImageManagerService> {
    const env = await readEnvironment(dir);
    const bims = env.backingImageManagers!;
    const disk = bims.disks[0]!;
    return new RealBackingImageManagerService(
      { ip: disk.ip, pid: env.processes.find((p) => p.name === disk.process)!.pid },
      {
        binary: bims.binary,
        dataSourceLog: join(env.dir, 'logs', `${disk.process}.data-source.log`),
        restart: () => restartBackingImageManagerProcess(env.dir, disk.process),
      },
    );
  }

  it('holds no backup entry of an earlier run when the run starts', async () => {
    const { env } = local();
    // What an earlier run leaves: a backup of the backing image, in the manager's list by its name.
    const earlier = await bimOf(env.dir);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.raw`;
    assert.equal((await earlier.prepareFile(FILE, { kind: 'download', url })).state, 'ready');
    await earlier.backupCreate(
      {
        name: FILE.name,
        uuid: FILE.uuid,
        checksum: FILE.checksum,
        backupTarget: env.backupTargetURL,
        labels: [],
        credential: {
          AWS_ACCESS_KEY_ID: env.s3.accessKey,
          AWS_SECRET_ACCESS_KEY: env.s3.secretKey,
          AWS_ENDPOINTS: env.s3.endpoint,
        },
        compressionMethod: 'lz4',
        concurrentLimit: 2,
        parameters: { secret: '', 'secret-namespace': '' },
      },
      120_000,
    );
    assert.ok((await earlier.backupStatus(FILE.name, 60_000)).state, 'the earlier backup is in the list');
    earlier.close();

    const tasks = new TaskStack();
    try {
      await openLocalTarget({
        envDir: env.dir,
        longhorn: 'v1.8.1',
        bim: 'real',
        manager: 'model',
        runDir,
        simBugs: [],
        pollInterval: '300s',
        seed: 1,
        timeFactor: 0.05,
        clock: systemClock,
        tasks,
      });
      const now = await bimOf(env.dir);
      try {
        await assert.rejects(now.backupStatus(FILE.name, 60_000), /backup backing image not found/);
      } finally {
        now.close();
      }
    } finally {
      await tasks.unwind();
    }
  });
});
