/** A loopback HTTP server with the routes the network suites need. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpFixture {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, origin: string) => void;

const routes: Record<string, Handler> = {
  '/text': (_req, res) => res.end('hello'),
  '/json': (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, items: [1, 2, 3] }));
  },
  '/echo': (req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-echo', 'yes');
    res.statusCode = 201;
    res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
  },
  '/missing': (_req, res) => {
    res.statusCode = 404;
    res.end('{"error":"not found"}');
  },
  '/slow': () => {
    // Never answers: the caller's timeout has to end the request.
  },
  '/endless': (_req, res) => {
    // Streams for as long as someone reads, without a content-length.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk)) {
        /* fill the socket buffer */
      }
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
  '/declared-big': (_req, res) => {
    res.setHeader('content-length', String(50 * 1024 * 1024));
    res.write('x');
  },
  '/to-text': (_req, res) => redirect(res, 302, '/text'),
  '/see-other': (_req, res) => redirect(res, 303, '/echo'),
  '/keep-method': (_req, res) => redirect(res, 307, '/echo'),
  '/loop': (_req, res) => redirect(res, 302, '/loop'),
  '/to-other-loopback': (req, res) => redirect(res, 302, `http://127.0.0.2:${portOf(req)}/text`),
  '/to-localhost': (req, res) => redirect(res, 301, `http://localhost:${portOf(req)}/text`),
  '/to-localhost-echo': (req, res) => redirect(res, 307, `http://localhost:${portOf(req)}/echo`),
  '/to-metadata': (_req, res) => redirect(res, 302, 'http://169.254.169.254/latest/meta-data/'),
  '/to-file': (_req, res) => redirect(res, 302, 'file:///etc/passwd'),
};

function portOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').split(':').pop() ?? '';
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.statusCode = status;
  res.setHeader('location', location);
  res.end();
}

export async function startHttp(): Promise<HttpFixture> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (!route) {
        res.statusCode = 404;
        res.end('no route');
        return;
      }
      route(req, res, Buffer.concat(chunks).toString('utf8'), '');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
