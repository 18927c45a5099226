import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFileIfPresent, writeJsonFileAtomic } from './json-file.js';

describe('JSON contract files', () => {
  const schema = z.object({ version: z.literal(1), s3: z.object({ endpoint: z.string() }) });
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-json-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through an atomic, private write', async () => {
    const path = join(dir, 'nested', 'env.json');
    await writeJsonFileAtomic(path, { version: 1, s3: { endpoint: 'http://127.0.0.1:9000' } });
    assert.deepEqual(await readJsonFileIfPresent(path, schema), {
      version: 1,
      s3: { endpoint: 'http://127.0.0.1:9000' },
    });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.match(await readFile(path, 'utf8'), /\n$/);
  });

  it('reads a missing file as undefined', async () => {
    assert.equal(await readJsonFileIfPresent(join(dir, 'absent.json'), schema), undefined);
  });

  it('names the path for broken JSON and the field for a schema mismatch', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"version": 1,');
    await assert.rejects(readJsonFileIfPresent(broken, schema), (e: Error & { exitCode?: number }) => {
      assert.match(e.message, /broken\.json is not valid JSON/);
      assert.equal(e.exitCode, 2);
      return true;
    });
    const wrong = join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ version: 1, s3: { endpoint: 7 } }));
    await assert.rejects(readJsonFileIfPresent(wrong, schema), /wrong\.json: field s3\.endpoint/);
  });
});
