import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { acceptedEncodings, webminRoutes } from '../../service/api/webmin-static.js';

const INDEX = '<!doctype html><title>quickjobs</title><script type="module" src="assets/main-AB12.js"></script>';
const MAIN_JS = 'console.log("the webmin");'.repeat(20);

describe('the webmin static routes', () => {
  let dist: string;

  before(async () => {
    dist = await mkdtemp(join(tmpdir(), 'quickjobs-webmin-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), INDEX);
    await writeFile(join(dist, 'assets', 'main-AB12.js'), MAIN_JS);
    await writeFile(join(dist, 'assets', 'main-AB12.js.gz'), gzipSync(MAIN_JS));
    await writeFile(join(dist, 'assets', 'main-AB12.js.br'), brotliCompressSync(MAIN_JS));
    await writeFile(join(dist, 'assets', 'only-gz-CD34.css'), 'body{}');
    await writeFile(join(dist, 'assets', 'only-gz-CD34.css.gz'), gzipSync('body{}'));
    await writeFile(join(dist, 'assets', 'codicon-EF56.ttf'), Buffer.from([0, 1, 0, 0]));
  });
  after(() => rm(dist, { recursive: true, force: true }));

  it('serves index.html at / with no-cache, an ETag and a same-origin CSP', async () => {
    const response = await webminRoutes(dist).request('/');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /https?:/);
    assert.equal(await response.text(), INDEX);
  });

  it('answers 304 when the browser already has this index.html', async () => {
    const app = webminRoutes(dist);
    const etag = (await app.request('/')).headers.get('etag') ?? '';
    assert.ok(etag);
    const again = await app.request('/', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  it('sends the brotli copy of an asset to a browser that accepts it, cached for a year', async () => {
    const response = await webminRoutes(dist).request('/assets/main-AB12.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-encoding'), 'br');
    assert.equal(response.headers.get('vary'), 'Accept-Encoding');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
  });

  it('falls back to gzip when there is no brotli copy or brotli is refused', async () => {
    const app = webminRoutes(dist);
    const css = await app.request('/assets/only-gz-CD34.css', { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(css.headers.get('content-encoding'), 'gzip');
    assert.equal(gunzipSync(Buffer.from(await css.arrayBuffer())).toString(), 'body{}');
    const js = await app.request('/assets/main-AB12.js', { headers: { 'accept-encoding': 'br;q=0, gzip' } });
    assert.equal(js.headers.get('content-encoding'), 'gzip');
  });

  it('sends the plain file to a browser that accepts no compression', async () => {
    const response = await webminRoutes(dist).request('/assets/main-AB12.js');
    assert.equal(response.headers.get('content-encoding'), null);
    assert.equal(await response.text(), MAIN_JS);
    const font = await webminRoutes(dist).request('/assets/codicon-EF56.ttf');
    assert.equal(font.headers.get('content-type'), 'font/ttf');
  });

  it('refuses paths that leave the assets folder, and unknown assets', async () => {
    const app = webminRoutes(dist);
    for (const path of ['/assets/..%2Findex.html', '/assets/.hidden', '/assets/nope-1234.js', '/assets/main-AB12.js.gz']) {
      assert.equal((await app.request(path)).status, 404, path);
    }
  });

  it('says how to build the webmin when it is not built', async () => {
    const response = await webminRoutes(join(dist, 'missing')).request('/');
    assert.equal(response.status, 404);
    assert.match(await response.text(), /npm run build:webmin/);
  });
});

describe('choosing a precompressed copy', () => {
  it('prefers br, then gzip, and honours q=0 and *', () => {
    assert.deepEqual(acceptedEncodings('gzip, br'), ['br', 'gzip']);
    assert.deepEqual(acceptedEncodings('gzip;q=0.5'), ['gzip']);
    assert.deepEqual(acceptedEncodings('br;q=0, *'), ['gzip']);
    assert.deepEqual(acceptedEncodings(undefined), []);
    assert.deepEqual(acceptedEncodings('identity'), []);
  });
});
