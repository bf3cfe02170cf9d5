import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createHelperHost, type HelperHost } from '../../../service/helpers/index.js';
import type { Store } from '../../../service/store/store.js';
import { context, helperConfig } from './fixtures.js';
import { startHttp, type HttpFixture } from './http-fixture.js';

const noStore = {} as Store;

describe('core.network against a loopback server that is explicitly allowed', () => {
  let http: HttpFixture;
  let host: HelperHost;

  before(async () => {
    http = await startHttp();
    host = createHelperHost(helperConfig({ QUICKJOBS_NETWORK_ALLOW: '127.0.0.1', QUICKJOBS_NETWORK_MAX_BYTES: '1000000' }), {
      store: noStore,
    });
  });

  after(async () => {
    await host.close();
    await http.close();
  });

  it('gets a page as {status, headers, body}', async () => {
    const [res, err, code] = await host.call('network.get', [`${http.origin}/text`], context());
    assert.deepEqual([err, code], [null, null]);
    const { status, headers, body } = res as { status: number; headers: Record<string, string>; body: string };
    assert.deepEqual([status, body, headers['content-length']], [200, 'hello', '5']);
  });

  it('answers other statuses as results, not errors', async () => {
    const [res, err] = await host.call('network.get', [`${http.origin}/missing`], context());
    assert.equal(err, null);
    assert.equal((res as { status: number }).status, 404);
  });

  it('sends a request with method, headers and body', async () => {
    const [res] = await host.call(
      'network.request',
      [`${http.origin}/echo`, { method: 'put', headers: { 'x-token': 'abc', 'x-n': 5 }, body: 'payload' }],
      context(),
    );
    const { status, headers, body } = res as { status: number; headers: Record<string, string>; body: string };
    assert.equal(status, 201);
    assert.equal(headers['x-echo'], 'yes');
    const echo = JSON.parse(body) as { method: string; headers: Record<string, string>; body: string };
    assert.deepEqual([echo.method, echo.headers['x-token'], echo.headers['x-n'], echo.body], ['PUT', 'abc', '5', 'payload']);
  });

  it('posts text and JSON', async () => {
    const [posted] = await host.call('network.post', [`${http.origin}/echo`, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }], context());
    const echo = JSON.parse((posted as { body: string }).body) as { method: string; body: string; headers: Record<string, string> };
    assert.deepEqual([echo.method, echo.body, echo.headers['content-type']], ['POST', 'a=1', 'application/x-www-form-urlencoded']);

    const [res, err] = await host.call('network.postJson', [`${http.origin}/echo`, { stock: 0, tags: ['a'] }], context());
    assert.equal(err, null);
    const echoed = JSON.parse((res as { body: string }).body) as { body: string; headers: Record<string, string> };
    assert.deepEqual(JSON.parse(echoed.body), { stock: 0, tags: ['a'] });
    assert.equal(echoed.headers['content-type'], 'application/json');
  });

  it('decodes JSON with getJson, and answers 830 when it is not JSON', async () => {
    assert.deepEqual(await host.call('network.getJson', [`${http.origin}/json`], context()), [{ ok: true, items: [1, 2, 3] }, null, null]);
    const [result, err, code] = await host.call('network.getJson', [`${http.origin}/text`], context());
    assert.deepEqual([result, code], [null, 830]);
    assert.match(err!, /not JSON/);
  });

  it('answers 815 from getJson for an error status', async () => {
    const [, err, code] = await host.call('network.getJson', [`${http.origin}/missing`], context());
    assert.equal(code, 815);
    assert.match(err!, /404/);
  });

  it('follows redirects between allowed addresses', async () => {
    const [res] = await host.call('network.get', [`${http.origin}/to-text`], context());
    assert.equal((res as { body: string }).body, 'hello');
    const [seeOther] = await host.call('network.post', [`${http.origin}/see-other`, 'x'], context());
    assert.equal((JSON.parse((seeOther as { body: string }).body) as { method: string }).method, 'GET');
    const [kept] = await host.call('network.post', [`${http.origin}/keep-method`, 'kept'], context());
    assert.deepEqual(JSON.parse((kept as { body: string }).body).body, 'kept');
  });

  it('refuses a redirect from an allowed host to a refused one, naming the address', async () => {
    for (const [path, address] of [
      ['/to-other-loopback', '127.0.0.2'],
      ['/to-metadata', '169.254.169.254'],
      ['/to-localhost', '127.0.0.1'],
    ] as const) {
      const [result, err, code] = await host.call('network.get', [`${http.origin}${path}`], context());
      if (path === '/to-localhost') {
        // localhost resolves to the allowed 127.0.0.1, so the CIDR lets it through.
        assert.equal(err, null);
        continue;
      }
      assert.deepEqual([result, code], [null, 815], path);
      assert.match(err!, new RegExp(`blocked address ${address.replaceAll('.', '\\.')}`), path);
    }
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const headers = { authorization: 'Bearer secret', cookie: 'a=1', 'x-keep': 'yes' };
    const [res, err] = await host.call('network.request', [`${http.origin}/to-localhost-echo`, { method: 'GET', headers }], context());
    assert.equal(err, null);
    const echoed = (JSON.parse((res as { body: string }).body) as { headers: Record<string, string> }).headers;
    assert.equal(echoed.host, `localhost:${http.port}`);
    assert.deepEqual([echoed.authorization, echoed.cookie, echoed['x-keep']], [undefined, undefined, 'yes']);
  });

  it('stops after five redirects', async () => {
    const [, err, code] = await host.call('network.get', [`${http.origin}/loop`], context());
    assert.equal(code, 815);
    assert.match(err!, /more than 5 redirects/);
  });

  it('refuses a redirect to anything but http and https', async () => {
    const [, err, code] = await host.call('network.get', [`${http.origin}/to-file`], context());
    assert.equal(code, 815);
    assert.match(err!, /file:/);
  });

  it('times out with the per-call timeout', async () => {
    const started = Date.now();
    const [, err, code] = await host.call('network.request', [`${http.origin}/slow`, { method: 'GET', timeout: 0.3 }], context());
    assert.equal(code, 815);
    assert.match(err!, /timed out after 0\.3 s/);
    assert.ok(Date.now() - started < 5000);
  });

  it('stops reading a body over the cap, with or without a declared length', async () => {
    for (const path of ['/endless', '/declared-big']) {
      const [, err, code] = await host.call('network.get', [`${http.origin}${path}`], context());
      assert.equal(code, 815, path);
      assert.match(err!, /response larger than 1000000 bytes/, path);
    }
  });

  it('answers 815 when the run ends during a request', async () => {
    const controller = new AbortController();
    const pending = host.call('network.get', [`${http.origin}/slow`], context(controller.signal));
    setTimeout(() => controller.abort(), 50);
    const [, err, code] = await pending;
    assert.equal(code, 815);
    assert.match(err!, /run ended/);
  });

  it('answers 801 and 804 for bad arguments', async () => {
    const cases: Array<[Parameters<HelperHost['call']>[0], unknown[], number]> = [
      ['network.get', [], 804],
      ['network.get', [42], 801],
      ['network.get', ['not a url'], 801],
      ['network.get', ['ftp://example.com/file'], 801],
      ['network.get', ['file:///etc/passwd'], 801],
      ['network.get', [`${http.origin}/text`, 'x-a: 1'], 801],
      ['network.get', [`${http.origin}/text`, { 'x-a': { b: 1 } }], 801],
      ['network.get', [`${http.origin}/text`, { 'x-a': 'one\r\nx-b: two' }], 801],
      ['network.request', [`${http.origin}/text`], 804],
      ['network.request', [`${http.origin}/text`, {}], 804],
      ['network.request', [`${http.origin}/text`, { method: 'GET /x' }], 801],
      ['network.request', [`${http.origin}/text`, { method: 'GET', body: { a: 1 } }], 801],
      ['network.request', [`${http.origin}/text`, { method: 'GET', timeout: '5' }], 801],
      ['network.post', [`${http.origin}/echo`], 804],
      ['network.post', [`${http.origin}/echo`, { a: 1 }], 801],
      ['network.postJson', [`${http.origin}/echo`], 804],
    ];
    for (const [name, args, expected] of cases) {
      assert.equal((await host.call(name, args, context()))[2], expected, `${name} ${JSON.stringify(args)}`);
    }
  });
});

describe('core.network without an allow-list', () => {
  let http: HttpFixture;
  let host: HelperHost;

  before(async () => {
    http = await startHttp();
    host = createHelperHost(helperConfig({ QUICKJOBS_NETWORK_TIMEOUT: '0.3' }), { store: noStore });
  });

  after(async () => {
    await host.close();
    await http.close();
  });

  it('refuses the same loopback URL', async () => {
    const [result, err, code] = await host.call('network.get', [`${http.origin}/text`], context());
    assert.deepEqual([result, code], [null, 815]);
    assert.match(err!, /blocked address 127\.0\.0\.1 \(loopback\)/);
  });

  it('refuses localhost after resolving it', async () => {
    const [, err, code] = await host.call('network.get', [`http://localhost:${http.port}/text`], context());
    assert.equal(code, 815);
    assert.match(err!, /blocked address 127\.0\.0\.1 \(loopback\) for host localhost/);
  });

  it('refuses private, link-local, metadata and IPv6 loopback literals without connecting', async () => {
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/latest', 'http://[::1]:80/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/', 'https://100.64.0.1/']) {
      const [, err, code] = await host.call('network.get', [url], context());
      assert.equal(code, 815, url);
      assert.match(err!, /blocked address/, url);
    }
  });

  it('times out with QUICKJOBS_NETWORK_TIMEOUT', async () => {
    const allowed = createHelperHost(helperConfig({ QUICKJOBS_NETWORK_ALLOW: 'localhost', QUICKJOBS_NETWORK_TIMEOUT: '0.3' }), { store: noStore });
    const [, err, code] = await allowed.call('network.get', [`http://localhost:${http.port}/slow`], context());
    assert.equal(code, 815);
    assert.match(err!, /timed out after 0\.3 s/);
  });

  it('lets an allowed host name through, whatever it resolves to', async () => {
    const allowed = createHelperHost(helperConfig({ QUICKJOBS_NETWORK_ALLOW: 'localhost' }), { store: noStore });
    const [res, err] = await allowed.call('network.get', [`http://localhost:${http.port}/text`], context());
    assert.equal(err, null);
    assert.equal((res as { body: string }).body, 'hello');
  });
});
