/**
 * Serves the built webmin (webmin/dist, made by `npm run build:webmin`): index.html at `/`, never
 * cached without revalidation, and content-hashed assets cached for a year. Assets are sent
 * precompressed (.br or .gz written by the build) when the browser accepts it, so nothing is
 * compressed per request. Every answer carries a CSP that allows this origin only.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Hono, type Context } from 'hono';

/**
 * Monaco starts its workers from this origin's URLs (no blob:), injects inline <style> elements,
 * and loads its codicon font from the assets folder; nothing comes from anywhere else.
 */
export const WEBMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** The build writes only plain names into assets/; anything else (`..`, `/`, `%2f`) is refused. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const NOT_BUILT =
  'The webmin is not built. Run `npm run build:webmin` (npm ci does it too), then reload this page.\n';

type Encoding = 'br' | 'gzip';

/** The precompressed copies the browser accepts, best first; `q=0` refuses an encoding. */
export function acceptedEncodings(acceptEncoding: string | undefined): Encoding[] {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(token, q ? Number(q[1]) : 1);
  }
  const ok = (name: string): boolean => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(ok);
}

const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

async function readIfFile(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

export function webminRoutes(distDir: string): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', WEBMIN_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  const sendIndex = async (c: Context): Promise<Response> => {
    const body = await readIfFile(join(distDir, 'index.html'));
    if (!body) return c.text(NOT_BUILT, 404);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    c.header('Cache-Control', 'no-cache');
    c.header('ETag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', CONTENT_TYPES['.html']!);
    return c.body(new Uint8Array(body));
  };

  app.get('/', sendIndex);
  app.get('/index.html', sendIndex);

  app.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    if (!ASSET_NAME.test(file) || /\.(gz|br)$/.test(file)) return c.text('Not found\n', 404);
    const path = join(distDir, 'assets', file);
    let body: Buffer | null = null;
    let sent: Encoding | null = null;
    for (const encoding of acceptedEncodings(c.req.header('accept-encoding'))) {
      body = await readIfFile(path + SUFFIX[encoding]);
      if (body) {
        sent = encoding;
        break;
      }
    }
    if (!body) body = await readIfFile(path);
    if (!body) {
      const built = await readIfFile(join(distDir, 'index.html'));
      return c.text(built ? 'Not found\n' : NOT_BUILT, 404);
    }
    c.header('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
    // The name holds a hash of the content, so a cached copy can never be stale.
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Vary', 'Accept-Encoding');
    if (sent) c.header('Content-Encoding', sent);
    return c.body(new Uint8Array(body));
  });

  return app;
}
