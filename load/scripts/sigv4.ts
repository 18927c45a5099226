// AWS Signature Version 4 for S3, built on k6/crypto only (runs inside k6: no node, no remote imports).
// Written from the AWS SigV4 specification; the signer test compares it with @smithy/signature-v4.
import crypto from 'k6/crypto';

export interface Credentials {
  accessKey: string;
  secretKey: string;
  region: string;
  /** `s3` unless told otherwise. */
  service?: string;
}

export interface RequestToSign {
  method: string;
  /** `host` or `host:port`, exactly as the HTTP client will send it in the Host header. */
  host: string;
  /** The path as sent on the wire: already URI-encoded (see `encodeKeyPath`); S3 does not encode it twice. */
  path: string;
  /** Query parameters, not encoded; an empty string value is sent as `name=`. */
  query?: Record<string, string>;
  /** Extra headers to sign and send (e.g. content-type). Names are case-insensitive. */
  headers?: Record<string, string>;
  /** The body whose SHA-256 goes into `x-amz-content-sha256`; absent means an empty body. */
  body?: string | ArrayBuffer;
  /** Hex SHA-256 of the body when the caller already has it (saves hashing a reused body again). */
  payloadHash?: string;
}

export interface SignedRequest {
  /** Headers to send: the given ones plus `x-amz-date`, `x-amz-content-sha256` and `authorization`. */
  headers: Record<string, string>;
  /** The canonical query string, also what goes after `?` on the wire (empty when there is none). */
  queryString: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** A path-style object path `/bucket/key` with every key segment encoded and the slashes kept. */
export function encodeKeyPath(bucket: string, key?: string): string {
  const segments = key === undefined ? [] : key.split('/').map(uriEncode);
  return '/' + [uriEncode(bucket), ...segments].join('/');
}

/** `20260102T030405Z` and `20260102` for a date. */
export function amzDates(date: Date): { amzDate: string; dateStamp: string } {
  const amzDate = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { amzDate, dateStamp: amzDate.slice(0, 8) };
}

export function canonicalQuery(query: Record<string, string> | undefined): string {
  if (query === undefined) return '';
  return Object.keys(query)
    .map((name) => [uriEncode(name), uriEncode(query[name] ?? '')] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function hmacBinary(key: string | ArrayBuffer, data: string): ArrayBuffer {
  return crypto.hmac('sha256', key, data, 'binary');
}

/** The signing key for one day, region and service; callers may cache it per day. */
export function signingKey(
  secretKey: string,
  dateStamp: string,
  region: string,
  service: string,
): ArrayBuffer {
  const kDate = hmacBinary('AWS4' + secretKey, dateStamp);
  const kRegion = hmacBinary(kDate, region);
  const kService = hmacBinary(kRegion, service);
  return hmacBinary(kService, 'aws4_request');
}

/** Signs one request at `date` and returns the headers to send with it. */
export function signRequest(request: RequestToSign, credentials: Credentials, date: Date): SignedRequest {
  const service = credentials.service ?? 's3';
  const { amzDate, dateStamp } = amzDates(date);
  const payloadHash =
    request.payloadHash ?? (request.body === undefined ? EMPTY_SHA256 : crypto.sha256(request.body, 'hex'));

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['host'] = request.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;

  const names = Object.keys(headers).sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${(headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const queryString = canonicalQuery(request.query);
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.path,
    queryString,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');

  const scope = `${dateStamp}/${credentials.region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, crypto.sha256(canonicalRequest, 'hex')].join('\n');
  const key = signingKey(credentials.secretKey, dateStamp, credentials.region, service);
  const signature = crypto.hmac('sha256', key, stringToSign, 'hex');

  headers['authorization'] =
    `${ALGORITHM} Credential=${credentials.accessKey}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, queryString, canonicalRequest, stringToSign, signature };
}
