import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { HostCallName } from '../../../sandbox/types.js';
import { createHelperHost } from '../../../service/helpers/index.js';
import type { Store } from '../../../service/store/store.js';
import { context, helperConfig } from './fixtures.js';

describe('createHelperHost', () => {
  it('answers an unknown name with -1 instead of throwing', async () => {
    const host = createHelperHost(helperConfig(), { store: {} as Store });
    const [result, err, code] = await host.call('fs.read' as HostCallName, [], context());
    assert.deepEqual([result, code], [null, -1]);
    assert.match(err!, /unknown helper "fs.read"/);
  });

  it('answers arguments that are not a list with 801', async () => {
    const host = createHelperHost(helperConfig(), { store: {} as Store });
    assert.equal((await host.call('data.get', 'config' as unknown as unknown[], context()))[2], 801);
  });

  it('turns a bug behind a helper into -1 with its message', async () => {
    const host = createHelperHost(helperConfig(), { store: {} as Store });
    const args: unknown[] = [];
    Object.defineProperty(args, 0, {
      get() {
        throw new TypeError('boom');
      },
    });
    assert.deepEqual(await host.call('data.get', args, context()), [null, 'boom', -1]);
  });

  it('reports any failure inside the store as 820', async () => {
    const host = createHelperHost(helperConfig(), { store: { dataGet: null } as unknown as Store });
    const [, err, code] = await host.call('data.get', ['config', 'x'], context());
    assert.equal(code, 820);
    assert.match(err!, /not a function/);
  });

  it('does not resolve names through the prototype', async () => {
    const host = createHelperHost(helperConfig(), { store: {} as Store });
    assert.equal((await host.call('toString' as HostCallName, [], context()))[2], -1);
    assert.equal((await host.call('__proto__' as HostCallName, [], context()))[2], -1);
  });
});
