/**
 * A loopback HTTP server a job can wait on: `core.network.get(gate.url)` reaches it and hangs until
 * the test opens the gate. The test learns that the run is in flight from the request itself, not
 * from a sleep. Services under test must allow 127.0.0.1 (QUICKJOBS_NETWORK_ALLOW).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gate {
  url: string;
  /** Resolves when the next request arrives (the one after the previous `arrived` resolved). */
  arrived(): Promise<void>;
  /** Answers the requests waiting now; later ones wait again. */
  open(): void;
  /** Answers every request, now and later, and stops the server. */
  close(): Promise<void>;
}

export async function startGate(): Promise<Gate> {
  const waiting: ServerResponse[] = [];
  let opened = false;
  let onArrival: (() => void) | undefined;
  const server = createServer((_req, res) => {
    if (opened) res.end('open');
    else waiting.push(res);
    onArrival?.();
    onArrival = undefined;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const open = (): void => {
    for (const res of waiting.splice(0)) res.end('open');
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    arrived: () => new Promise<void>((resolve) => (onArrival = resolve)),
    open,
    async close() {
      opened = true;
      open();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
