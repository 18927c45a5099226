// The upstream connection of one client connection: opened on the first request, reused while it stays
// open, opened again after the upstream closed it (an idle keep-alive timeout, a `Connection: close`).
import net from 'node:net';
import { SocketReader } from './relay-io.js';

export interface UpstreamConnection {
  socket: net.Socket;
  reader: SocketReader;
  /** It served an earlier request: the upstream may have closed it just as it was reused. */
  reused: boolean;
}

export class UpstreamLink {
  private current?: UpstreamConnection;

  constructor(private readonly upstream: URL) {}

  async connect(signal: AbortSignal): Promise<UpstreamConnection> {
    const current = this.current;
    if (current && !current.socket.destroyed && !current.reader.finished) {
      current.reused = true;
      return current;
    }
    this.drop();
    signal.throwIfAborted();
    const socket = net.connect({
      host: this.upstream.hostname.replace(/^\[|\]$/g, ''),
      port: Number(this.upstream.port) || 80,
      noDelay: true,
    });
    // Reading starts with the socket, so nothing the upstream sends can be missed.
    const reader = new SocketReader(socket);
    const onAbort = () => socket.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
        socket.once('close', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNABORTED' })));
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.current = { socket, reader, reused: false };
    return this.current;
  }

  /** Closes the connection (after a failure, a cut answer, or when the client leaves). */
  drop(): void {
    this.current?.socket.destroy();
    this.current = undefined;
  }
}
