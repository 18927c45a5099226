// The k6 SigV4 signer, run inside real k6, signs exactly as the AWS SDK v3's signer (@smithy/signature-v4)
// for the same requests at the same fixed time.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { SIGN_REQUESTS_SCRIPT } from './index.js';
import { k6Binary } from './test-helpers.js';

/** The SDK wants a SHA-256 (or HMAC-SHA-256 when given a secret) with update/digest; node:crypto is one. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : new Uint8Array(secret as ArrayBuffer));
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('not used by the signer');
  }
}

const credentials = {
  accessKey: 'AKIDEXAMPLE',
  secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-3',
};
const signingDate = new Date('2026-03-14T15:09:26Z');

interface Case {
  name: string;
  request: {
    method: string;
    host: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
  };
}

const cases: Case[] = [
  {
    name: 'PUT with a body',
    request: {
      method: 'PUT',
      host: '127.0.0.1:39001',
      path: '/backups/lhchaos-k6/run-1/vu1/0-1024',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'a body with bytes beyond ASCII: \u00e9\u4e2d\n'.repeat(40),
    },
  },
  {
    name: 'GET with a query',
    request: {
      method: 'GET',
      host: 's3.example.com',
      path: '/backups/lhchaos-k6/run-1/vu2/7-65536',
      query: { versionId: 'v1', 'response-content-disposition': 'attachment; filename="a b.txt"' },
    },
  },
  {
    name: 'LIST with special characters in the prefix',
    request: {
      method: 'GET',
      host: '127.0.0.1:39001',
      path: '/backups',
      query: {
        'list-type': '2',
        prefix: "lhchaos-k6/a b+c~d*(e)!'\u00e9/=&",
        delimiter: '/',
        'continuation-token': '1/ab+c==',
        'max-keys': '1000',
      },
    },
  },
  {
    name: 'DELETE with an encoded key path',
    request: { method: 'DELETE', host: '127.0.0.1:39001', path: '/backups/lhchaos-k6/a%20b%2Bc/%28x%29' },
  },
];

async function sdkHeaders(c: Case): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 's3',
    region: credentials.region,
    credentials: { accessKeyId: credentials.accessKey, secretAccessKey: credentials.secretKey },
    sha256: NodeSha256,
    // S3 signs the path as sent; the SDK's S3 client sets the same.
    uriEscapePath: false,
    applyChecksum: true,
  });
  const [hostname, port] = c.request.host.split(':');
  const signed = await signer.sign(
    {
      method: c.request.method,
      protocol: 'http:',
      hostname: hostname ?? '',
      port: port === undefined ? undefined : Number(port),
      path: c.request.path,
      query: c.request.query ?? {},
      headers: { host: c.request.host, ...c.request.headers },
      body: c.request.body === undefined ? undefined : Buffer.from(c.request.body, 'utf8'),
    },
    { signingDate },
  );
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

describe('load: SigV4 signer in k6', function () {
  let dir = '';

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-sigv4-'));
  });

  after(async function () {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('signs PUT, GET with a query, LIST with special characters and DELETE as @smithy/signature-v4 does', async function () {
    const out = join(dir, 'signed.json');
    await promisify(execFile)(k6Binary(), ['run', '--quiet', '--no-color', SIGN_REQUESTS_SCRIPT], {
      env: {
        ...process.env,
        K6_NO_USAGE_REPORT: 'true',
        K6_AUTO_EXTENSION_RESOLUTION: 'false',
        SIGV4_CASES: JSON.stringify({ credentials, cases }),
        SIGV4_DATE: signingDate.toISOString(),
        SIGV4_OUT: out,
      },
    });
    const fromK6 = JSON.parse(await readFile(out, 'utf8')) as {
      name: string;
      headers: Record<string, string>;
    }[];
    assert.deepEqual(
      fromK6.map((r) => r.name),
      cases.map((c) => c.name),
    );
    for (const [i, c] of cases.entries()) {
      const expected = await sdkHeaders(c);
      const actual = fromK6[i]!.headers;
      assert.match(
        expected.authorization ?? '',
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260314\/eu-west-3\/s3/,
      );
      for (const header of ['authorization', 'x-amz-date', 'x-amz-content-sha256']) {
        assert.equal(actual[header], expected[header], `${c.name}: ${header}`);
      }
    }
  });
});
