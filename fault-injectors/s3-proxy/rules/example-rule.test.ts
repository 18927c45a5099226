// A new rule type, written as a contributor would write `rules/<type>.ts`, kept here as the worked example:
// everything from the schema to the registration is in this one file, and nothing else in the proxy is
// edited (a real type also adds one `import './<type>.js'` line to rules/index.ts instead of the
// registration in `before`). The test shows the proxy learns the type from the registry alone: its control
// API accepts and validates it, its error for unknown types names it, and it acts on real MinIO.
import assert from 'node:assert/strict';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { startMinio, type TestMinio } from '../../../test-support/minio.js';
import { DELETE_OPERATIONS, WRITE_OPERATIONS } from '../classify.js';
import { startS3Proxy, type S3Proxy } from '../index.js';
import { s3Client } from '../test-clients.js';
import { S3_ERROR_CODES } from '../types.js';
import { ruleObject } from './fields.js';
import { registerRule, type RequestPlan, type ScopedRule } from './rule.js';

// ---- what `rules/read-only.ts` would hold ----

// read-only: the store refuses every write and delete (AccessDenied by default), as a bucket under a
// retention lock would; reads and listings pass.
const readOnlySchema = ruleObject('read-only', { code: z.enum(S3_ERROR_CODES).optional() });
type ReadOnlyRule = z.infer<typeof readOnlySchema>;

declare module '../types.js' {
  interface RuleSpecs {
    'read-only': ReadOnlyRule;
  }
}

class ReadOnlyFault implements ScopedRule {
  readonly triggers = [...WRITE_OPERATIONS, ...DELETE_OPERATIONS];

  constructor(readonly spec: ReadOnlyRule) {}

  apply(_request: unknown, plan: RequestPlan): void {
    plan.refuse(this.spec.name, { kind: 'error', code: this.spec.code ?? 'AccessDenied' });
  }
}

const registerReadOnly = () =>
  registerRule({ type: 'read-only', schema: readOnlySchema, create: (spec) => new ReadOnlyFault(spec) });

// ---- its test ----

describe('a rule type added in one file (read-only, the worked example)', function () {
  let minio: TestMinio;
  let direct: S3Client;
  let proxy: S3Proxy;
  let s3: S3Client;
  let unregister: () => void;

  before(async function () {
    unregister = registerReadOnly();
    minio = await startMinio();
    direct = s3Client(minio.endpoint, minio);
    proxy = await startS3Proxy({ upstream: minio.endpoint, seed: 1 });
    s3 = s3Client(proxy.dataUrl, minio);
  });
  after(async function () {
    unregister?.();
    s3?.destroy();
    direct?.destroy();
    await proxy?.close();
    await minio?.stop();
  });

  const addRule = (body: unknown) =>
    fetch(`${proxy.controlUrl}/rules`, { method: 'POST', body: JSON.stringify(body) });

  it('is validated by its own schema at the control API (400 naming its field)', async function () {
    const bad = await addRule({ type: 'read-only', name: 'ro', code: 'Teapot' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'code');
    const unknownType = await addRule({ type: 'read-onl', name: 'ro' });
    assert.match(((await unknownType.json()) as { error: string }).error, /read-only\)/);
  });

  it('refuses writes and deletes through the proxy and lets reads pass', async function () {
    await direct.send(new PutObjectCommand({ Bucket: minio.bucket, Key: 'kept', Body: 'v1' }));
    const added = await addRule({ type: 'read-only', name: 'ro' });
    assert.equal(added.status, 201);
    for (const write of [
      new PutObjectCommand({ Bucket: minio.bucket, Key: 'kept', Body: 'v2' }),
      new DeleteObjectCommand({ Bucket: minio.bucket, Key: 'kept' }),
    ]) {
      await assert.rejects(s3.send(write as never), (e: Error) => e.name === 'AccessDenied');
    }
    const read = await s3.send(new GetObjectCommand({ Bucket: minio.bucket, Key: 'kept' }));
    assert.equal(await read.Body?.transformToString(), 'v1');
    const counters = (await proxy.control.metrics()).rules.find((r) => r.name === 'ro');
    assert.deepEqual([counters?.type, counters?.matched, counters?.applied], ['read-only', 2, 2]);
  });

  it('is unknown again once unregistered', async function () {
    unregister();
    const res = await addRule({ type: 'read-only', name: 'ro2' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { field: string }).field, 'type');
    unregister = registerReadOnly();
  });
});
