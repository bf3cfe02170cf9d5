/**
 * A TCP proxy on loopback in front of a server (the MariaDB of the tests), which a test can cut
 * (close every connection, refuse new ones) and freeze (accept and hold connections, forward
 * nothing), then restore.
 *
 *   const proxy = await startProxy(3306);
 *   proxy.freeze(); ... proxy.restore(); proxy.cut(); ... proxy.restore();
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyState = 'open' | 'frozen' | 'cut';

export interface TcpProxy {
  port: number;
  state(): ProxyState;
  /** Closes every connection and refuses new ones until restored. */
  cut(): void;
  /** Holds every connection, old and new, forwarding nothing until restored. */
  freeze(): void;
  /** Forwards again: held bytes flow on, new connections are accepted. */
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
  /** Bytes read while frozen, forwarded on restore in order. */
  held: Array<{ to: Socket; chunk: Buffer }>;
}

export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let state: ProxyState = 'open';
  const pairs = new Set<Pair>();

  const forward = (pair: Pair, to: Socket) => (chunk: Buffer) => {
    if (state === 'frozen') pair.held.push({ to, chunk });
    else to.write(chunk);
  };

  const server: Server = createServer((client) => {
    if (state === 'cut') {
      client.destroy();
      return;
    }
    const upstream = createConnection({ port: targetPort, host: targetHost });
    const pair: Pair = { client, server: upstream, held: [] };
    pairs.add(pair);
    client.on('data', forward(pair, upstream));
    upstream.on('data', forward(pair, client));
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    state: () => state,
    cut() {
      state = 'cut';
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.server.destroy();
      }
      pairs.clear();
    },
    freeze() {
      state = 'frozen';
    },
    restore() {
      state = 'open';
      for (const pair of pairs) {
        for (const { to, chunk } of pair.held.splice(0)) to.write(chunk);
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
