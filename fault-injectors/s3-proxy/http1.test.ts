// The relay's HTTP/1.1 framing: heads, where bodies end (length, chunked, none, until close), and the
// malformed messages it refuses (request smuggling shapes among them).
import assert from 'node:assert/strict';
import {
  ChunkedScanner,
  closesConnection,
  HttpError,
  parseRequestHead,
  parseResponseHead,
  requestFraming,
  responseFraming,
} from './http1.js';

const head = (text: string) => Buffer.from(`${text.split('\n').join('\r\n')}\r\n\r\n`, 'latin1');

describe('s3-proxy http1', function () {
  it('parses a request head, keeping raw headers in order and joining repeated ones', function () {
    const req = parseRequestHead(
      head('PUT /b/k%20x?x-id=1 HTTP/1.1\nHost: h:9\nX-A: 1\nx-a:  2 \nContent-Length: 5'),
    );
    assert.equal(req.method, 'PUT');
    assert.equal(req.url, '/b/k%20x?x-id=1');
    assert.deepEqual(req.rawHeaders, ['Host', 'h:9', 'X-A', '1', 'x-a', '2', 'Content-Length', '5']);
    assert.equal(req.headers['x-a'], '1, 2');
    assert.deepEqual(requestFraming(req), { kind: 'length', length: 5 });
  });

  it('tells request bodies apart: none, length, chunked', function () {
    assert.deepEqual(requestFraming(parseRequestHead(head('GET / HTTP/1.1\nHost: h'))), { kind: 'none' });
    assert.deepEqual(requestFraming(parseRequestHead(head('PUT / HTTP/1.1\nContent-Length: 0'))), {
      kind: 'none',
    });
    assert.deepEqual(requestFraming(parseRequestHead(head('PUT / HTTP/1.1\nTransfer-Encoding: chunked'))), {
      kind: 'chunked',
    });
  });

  for (const [what, text, status] of [
    [
      'both Content-Length and Transfer-Encoding',
      'PUT / HTTP/1.1\nContent-Length: 3\nTransfer-Encoding: chunked',
      400,
    ],
    ['two different Content-Lengths', 'PUT / HTTP/1.1\nContent-Length: 3\nContent-Length: 4', 400],
    ['a Transfer-Encoding that does not end in chunked', 'PUT / HTTP/1.1\nTransfer-Encoding: gzip', 400],
    ['a header name with a space before the colon', 'GET / HTTP/1.1\nHost : h', 400],
    ['a request line without a version', 'GET /', 400],
  ] as const) {
    it(`refuses ${what}`, function () {
      assert.throws(
        () => requestFraming(parseRequestHead(head(text))),
        (e: unknown) => e instanceof HttpError && e.status === status,
      );
    });
  }

  it('tells response bodies apart by request method and status', function () {
    const ok = parseResponseHead(head('HTTP/1.1 200 OK\nContent-Length: 10'));
    assert.equal(ok.reason, 'OK');
    assert.deepEqual(responseFraming(ok, 'GET'), { kind: 'length', length: 10 });
    assert.deepEqual(responseFraming(ok, 'HEAD'), { kind: 'none' });
    assert.deepEqual(responseFraming(parseResponseHead(head('HTTP/1.1 204 No Content')), 'GET'), {
      kind: 'none',
    });
    assert.deepEqual(responseFraming(parseResponseHead(head('HTTP/1.1 200 OK')), 'GET'), { kind: 'close' });
    const chunked = parseResponseHead(head('HTTP/1.1 200 OK\nTransfer-Encoding: chunked'));
    assert.deepEqual(responseFraming(chunked, 'GET'), { kind: 'chunked' });
  });

  it('knows when a connection ends after a message', function () {
    assert.equal(closesConnection(parseRequestHead(head('GET / HTTP/1.1'))), false);
    const close = parseRequestHead(head('GET / HTTP/1.1\nConnection: close'));
    assert.equal(closesConnection(close), true);
    const old = parseRequestHead(head('GET / HTTP/1.0'));
    assert.equal(closesConnection(old, old.version), true);
    const oldKept = parseRequestHead(head('GET / HTTP/1.0\nConnection: keep-alive'));
    assert.equal(closesConnection(oldKept, oldKept.version), false);
  });

  it('finds the end of a chunked body split anywhere, and decodes its data', function () {
    const body = Buffer.from('5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n', 'latin1');
    const next = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    const stream = Buffer.concat([body, next]);
    for (let cut = 1; cut < stream.length; cut++) {
      const scanner = new ChunkedScanner();
      const data: Buffer[] = [];
      let consumed = scanner.scan(stream.subarray(0, cut), (d) => data.push(d));
      if (!scanner.done) consumed += scanner.scan(stream.subarray(cut), (d) => data.push(d));
      assert.equal(scanner.done, true, `cut at ${cut}`);
      assert.equal(consumed, body.length, `cut at ${cut}`);
      assert.equal(Buffer.concat(data).toString(), 'hello world');
    }
  });

  it('refuses a bad chunk size', function () {
    assert.throws(() => new ChunkedScanner().scan(Buffer.from('zz\r\n')), HttpError);
  });
});
