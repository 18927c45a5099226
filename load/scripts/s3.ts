// A minimal path-style S3 client for k6 (PUT, GET, ListObjectsV2, DELETE) that refuses any key outside
// the prefix it was given: the co-load shares Longhorn's bucket and must never touch Longhorn's keys.
import http from 'k6/http';
import { encodeKeyPath, signRequest, type Credentials } from './sigv4.ts';

export interface S3Config extends Credentials {
  /** `http://host:port` (no path, no trailing slash). */
  endpoint: string;
  bucket: string;
  /** Every key this client reads, writes, lists or deletes starts with this. */
  prefix: string;
  /** Per-request timeout, milliseconds. */
  timeoutMs: number;
}

export interface S3Response {
  status: number;
  /** True for a 2xx answer. */
  ok: boolean;
  durationMs: number;
  /** The S3 error code from an XML error body, `timeout`/`network` without an answer, else `HTTP <status>`. */
  errorCode?: string;
  /** What went wrong, for a person. */
  detail?: string;
  body?: string;
}

export interface ListPage extends S3Response {
  keys: string[];
  nextToken?: string;
}

/** The five XML entities S3 uses in keys; enough for ListObjectsV2 answers. */
function xmlUnescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&');
}

/** An S3 error body (XML, ASCII in practice) from a binary response; the first 8 KiB are plenty. */
function asciiText(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer, 0, Math.min(buffer.byteLength, 8192));
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function tagValues(xml: string, tag: string): string[] {
  const values: string[] = [];
  const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  for (let m = pattern.exec(xml); m !== null; m = pattern.exec(xml)) values.push(xmlUnescape(m[1] ?? ''));
  return values;
}

export class S3Client {
  private readonly host: string;

  constructor(private readonly config: S3Config) {
    const match = /^https?:\/\/([^/]+)$/.exec(config.endpoint);
    if (match === null) throw new Error(`endpoint must be http(s)://host[:port], got ${config.endpoint}`);
    this.host = match[1] ?? '';
  }

  /** Throws before any request when a key or listing prefix is outside the configured prefix. */
  private guard(keyOrPrefix: string): void {
    if (!keyOrPrefix.startsWith(this.config.prefix)) {
      throw new Error(`refusing to touch ${keyOrPrefix}: outside the load prefix ${this.config.prefix}`);
    }
  }

  private send(
    method: string,
    key: string | undefined,
    query: Record<string, string> | undefined,
    body: ArrayBuffer | undefined,
    payloadHash: string | undefined,
    tags: Record<string, string>,
  ): { response: S3Response; rawBody: string | undefined; bytesRead: number | undefined } {
    const path = encodeKeyPath(this.config.bucket, key);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/octet-stream';
    const signed = signRequest(
      { method, host: this.host, path, query, headers, body, payloadHash },
      this.config,
      new Date(),
    );
    const url = this.config.endpoint + path + (signed.queryString === '' ? '' : '?' + signed.queryString);
    const res = http.request(method, url, body ?? null, {
      headers: signed.headers,
      timeout: `${this.config.timeoutMs}ms`,
      // Object bodies stay binary: counted, never decoded (only an error body is turned into text).
      responseType: method === 'GET' && key !== undefined ? 'binary' : 'text',
      tags,
    });
    const ok = res.status >= 200 && res.status < 300;
    const answer: unknown = res.body;
    const bytesRead = answer instanceof ArrayBuffer ? answer.byteLength : undefined;
    const rawBody =
      typeof answer === 'string'
        ? answer
        : answer instanceof ArrayBuffer && !ok
          ? asciiText(answer)
          : undefined;
    const response: S3Response = { status: res.status, ok, durationMs: res.timings.duration };
    if (!ok) {
      const code = rawBody === undefined ? undefined : tagValues(rawBody, 'Code')[0];
      // k6 error code 1050 is its request timeout (a `hang` fault ends here).
      const transport = res.error_code === 1050 ? 'timeout' : 'network';
      response.errorCode = code ?? (res.status === 0 ? transport : `HTTP ${res.status}`);
      response.detail = res.error;
    }
    return { response, rawBody, bytesRead };
  }

  put(key: string, body: ArrayBuffer, payloadHash: string, tags: Record<string, string> = {}): S3Response {
    this.guard(key);
    return this.send('PUT', key, undefined, body, payloadHash, { ...tags, op: 'put' }).response;
  }

  /** Reads an object; a body of another length than `size` makes the answer not ok (`WrongLength`). */
  get(key: string, size: number, tags: Record<string, string> = {}): S3Response {
    this.guard(key);
    const { response, bytesRead } = this.send('GET', key, undefined, undefined, undefined, {
      ...tags,
      op: 'get',
    });
    if (response.ok && bytesRead !== size) {
      response.ok = false;
      response.errorCode = 'WrongLength';
      response.detail = `read ${bytesRead} bytes, wrote ${size}`;
    }
    return response;
  }

  list(prefix: string, continuationToken?: string, tags: Record<string, string> = {}): ListPage {
    this.guard(prefix);
    const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': '1000' };
    if (continuationToken !== undefined) query['continuation-token'] = continuationToken;
    const { response, rawBody } = this.send('GET', undefined, query, undefined, undefined, {
      ...tags,
      op: 'list',
    });
    const page: ListPage = { ...response, keys: [] };
    if (response.ok && rawBody !== undefined) {
      page.keys = tagValues(rawBody, 'Key');
      const truncated = tagValues(rawBody, 'IsTruncated')[0] === 'true';
      if (truncated) page.nextToken = tagValues(rawBody, 'NextContinuationToken')[0];
    }
    return page;
  }

  delete(key: string, tags: Record<string, string> = {}): S3Response {
    this.guard(key);
    return this.send('DELETE', key, undefined, undefined, undefined, { ...tags, op: 'delete' }).response;
  }
}
