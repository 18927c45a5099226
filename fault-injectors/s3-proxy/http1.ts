// HTTP/1.1 as the relay needs it: message heads parsed into method/URL or status and headers, and where each
// body ends (RFC 9112 section 6), so bodies can be forwarded as they are, byte for byte, without being parsed.
// Node's own HTTP parser cannot be used for this: it hands every body chunk to JavaScript as a fresh copy,
// which was most of the proxy's CPU per MiB (fault-injectors/README.md, "Data path").

export interface MessageHead {
  /** Raw header names and values in order, as node's `rawHeaders`. */
  rawHeaders: string[];
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The head's bytes, blank line included, to forward unchanged. */
  bytes: Buffer;
}

export interface RequestHead extends MessageHead {
  method: string;
  url: string;
  version: string;
}

export interface ResponseHead extends MessageHead {
  status: number;
  reason: string;
}

export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  /** Until the connection closes (a response without length). */
  | { kind: 'close' };

/** A malformed message: `status` is what a client gets for it (400, or 431 for an oversized head). */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 431 | 502,
  ) {
    super(message);
  }
}

export const MAX_HEAD_BYTES = 64 * 1024;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseFields(lines: string[], bytes: Buffer): MessageHead {
  const rawHeaders: string[] = [];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new HttpError(`malformed header line ${JSON.stringify(line)}`, 400);
    const value = line.slice(colon + 1).trim();
    rawHeaders.push(name, value);
    const lower = name.toLowerCase();
    headers[lower] = lower in headers ? `${headers[lower]}, ${value}` : value;
  }
  return { rawHeaders, headers, bytes };
}

function headLines(bytes: Buffer): string[] {
  return bytes.toString('latin1', 0, bytes.length - 4).split('\r\n');
}

export function parseRequestHead(bytes: Buffer): RequestHead {
  const [start = '', ...lines] = headLines(bytes);
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/(1\.[01])$/.exec(start);
  const [, method, url, version] = match ?? [];
  if (method === undefined || url === undefined || version === undefined)
    throw new HttpError(`malformed request line ${JSON.stringify(start)}`, 400);
  return { method, url, version, ...parseFields(lines, bytes) };
}

export function parseResponseHead(bytes: Buffer): ResponseHead {
  const [start = '', ...lines] = headLines(bytes);
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(start);
  if (!match) throw new HttpError(`malformed status line ${JSON.stringify(start)}`, 502);
  return { status: Number(match[1]), reason: match[2] ?? '', ...parseFields(lines, bytes) };
}

function contentLength(head: MessageHead): number | undefined {
  const raw = head.headers['content-length'];
  if (raw === undefined) return undefined;
  // Repeated Content-Length headers must agree (`10, 10`); anything else is a smuggling attempt.
  const values = new Set(raw.split(',').map((v) => v.trim()));
  const [value = ''] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(value)) throw new HttpError(`bad Content-Length ${raw}`, 400);
  return Number(value);
}

function isChunked(head: MessageHead): boolean {
  const te = head.headers['transfer-encoding'];
  if (te === undefined) return false;
  if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new HttpError(`unsupported Transfer-Encoding ${te}`, 400);
  return true;
}

export function requestFraming(head: RequestHead): BodyFraming {
  const chunked = isChunked(head);
  const length = contentLength(head);
  if (chunked && length !== undefined) throw new HttpError('both Transfer-Encoding and Content-Length', 400);
  if (chunked) return { kind: 'chunked' };
  return length ? { kind: 'length', length } : { kind: 'none' };
}

export function responseFraming(head: ResponseHead, requestMethod: string): BodyFraming {
  if (requestMethod === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304)
    return { kind: 'none' };
  if (isChunked(head)) return { kind: 'chunked' };
  const length = contentLength(head);
  if (length === undefined) return { kind: 'close' };
  return length > 0 ? { kind: 'length', length } : { kind: 'none' };
}

/** Whether the connection ends after this message (`Connection: close`, or HTTP/1.0 without keep-alive). */
export function closesConnection(head: MessageHead, version = '1.1'): boolean {
  const connection = (head.headers.connection ?? '').toLowerCase();
  if (/(^|,)\s*close\s*(,|$)/.test(connection)) return true;
  return version === '1.0' && !/(^|,)\s*keep-alive\s*(,|$)/.test(connection);
}

/** A response head from a status, a reason and raw headers. */
export function responseHeadBytes(status: number, reason: string, rawHeaders: string[]): Buffer {
  let text = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (let i = 0; i < rawHeaders.length; i += 2) text += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return Buffer.from(`${text}\r\n`, 'latin1');
}

/**
 * Walks a chunked body (sizes, data, trailers) chunk by chunk to find where it ends; optionally hands out
 * the data it carries (decoded). Only chunked bodies pay for this; most bodies have a Content-Length.
 */
export class ChunkedScanner {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = '';
  private left = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  /** Bytes of `chunk` that belong to the body (all of it unless the body ends inside). */
  scan(chunk: Buffer, onData?: (data: Buffer) => void): number {
    let i = 0;
    while (i < chunk.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.left, chunk.length - i);
        onData?.(chunk.subarray(i, i + n));
        this.left -= n;
        i += n;
        if (this.left === 0) this.state = 'data-end';
        continue;
      }
      const byte = chunk.readUInt8(i++);
      if (byte !== 0x0a) {
        this.line += String.fromCharCode(byte);
        if (this.line.length > 4096) throw new HttpError('chunk line too long', 400);
        continue;
      }
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      if (this.state === 'data-end') {
        if (line !== '') throw new HttpError('chunk data not followed by CRLF', 400);
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = /^([0-9a-fA-F]{1,12})(?:;.*)?$/.exec(line);
        if (!size) throw new HttpError(`bad chunk size ${JSON.stringify(line)}`, 400);
        this.left = parseInt(size[1] ?? '', 16);
        this.state = this.left === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.state = 'done'; // the blank line after the (usually absent) trailers
      }
    }
    return i;
  }
}
