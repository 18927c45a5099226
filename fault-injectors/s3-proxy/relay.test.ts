// The relay's HTTP/1.1 edge cases that MinIO does not produce on its own: chunked bodies both ways, a client
// that waits for `100 Continue`, pipelined requests on one connection, and a malformed request. The upstream
// is a small node HTTP server for that reason; everything S3 is tested against real MinIO elsewhere.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { startS3Proxy, type S3Proxy } from '../index.js';

async function body(stream: AsyncIterable<Buffer>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString('latin1');
  return out;
}

describe('s3-proxy relay', function () {
  let upstream: http.Server;
  let proxy: S3Proxy;
  let port: number;

  before(async function () {
    upstream = http.createServer((req, res) => {
      void body(req).then((text) => {
        if (req.url === '/b/chunked') {
          // No Content-Length: node answers chunked, in the pieces written.
          res.writeHead(200, { 'content-type': 'text/plain' });
          for (const piece of ['a', 'bc', 'def']) res.write(piece);
          res.end(`|${text}`);
          return;
        }
        res.writeHead(200, { 'content-length': Buffer.byteLength(text) + 1 });
        res.end(`${req.url === '/b/one' ? '1' : '2'}${text}`);
      });
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    proxy = await startS3Proxy({
      upstream: `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`,
      seed: 1,
    });
    port = Number(new URL(proxy.dataUrl).port);
  });
  after(async function () {
    await proxy?.close();
    upstream?.closeAllConnections();
    upstream?.close();
  });

  function request(path: string, options: http.RequestOptions, write?: (req: http.ClientRequest) => void) {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'PUT', ...options });
    const answered = new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve)).then(
      async (res) => ({ status: res.statusCode, headers: res.headers, text: await body(res) }),
    );
    if (write) write(req);
    else req.end();
    return answered;
  }

  it('relays a chunked request body and a chunked answer unchanged', async function () {
    const res = await request('/b/chunked', {}, (req) => {
      req.write('xy');
      req.write('z');
      req.end();
    });
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.text, 'abcdef|xyz');
    const [decision] = (await proxy.control.decisions()).slice(-1);
    assert.deepEqual([decision!.op, decision!.action, decision!.status], ['PutObject', 'pass', 200]);
  });

  it("relays the upstream's 100 Continue to a client that waits for it before sending", async function () {
    let continued = false;
    const res = await request(
      '/b/one',
      { headers: { expect: '100-continue', 'content-length': 4 } },
      (req) => {
        req.once('continue', () => {
          continued = true;
          req.end('wait');
        });
      },
    );
    assert.equal(continued, true);
    assert.equal(res.text, '1wait');
  });

  it('answers pipelined requests in order on one connection', async function () {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const reqs = ['one', 'two'].map(
      (name) => `PUT /b/${name} HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n${name}`,
    );
    socket.write(reqs.join(''));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    const deadline = Date.now() + 10_000;
    while (!text.includes('2two') && Date.now() < deadline) await once(socket, 'data');
    socket.destroy();
    const bodies = text.split('\r\n\r\n').slice(1);
    assert.deepEqual(
      bodies.map((b) => b.split('HTTP/1.1')[0]),
      ['1one', '2two'],
    );
  });

  it('answers a malformed request 400 and closes the connection', async function () {
    const socket = net.connect(port, '127.0.0.1');
    socket.end('NOT HTTP\r\n\r\n');
    const text = await body(socket);
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});
