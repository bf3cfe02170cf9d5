import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_WASM_BYTES, newSandboxModule } from '../../sandbox/module.js';
import { prepareContext } from '../../sandbox/prepared-context.js';
import { JobRun, type RunEnd } from '../../sandbox/runtime.js';
import { job, request } from './request.js';

describe('one run in a runtime', () => {
  it('frees its runtime: the WASM heap stays at its pre-grown size over 2000 runs', async () => {
    const module = await newSandboxModule();
    const work = request(job('const rows = [];\nfor (let i = 0; i < 500; i++) rows.push({ i, s: "row " + i });\nawait core.data("s").save(rows[0]);\nreturn job.OK;'));
    const once = () =>
      new Promise<RunEnd>((resolve) => {
        const run: JobRun = new JobRun(prepareContext(module), work, {
          log: () => undefined,
          call: (id) => setImmediate(() => run.reply(id, '["id", null, null]')),
          sleep: () => undefined,
          end: resolve,
        });
        run.start();
      });
    for (let i = 0; i < 2000; i++) assert.deepEqual(await once(), { outcome: 'success', result: 'OK' });
    const memory = module.getWasmMemory() as unknown as { buffer: ArrayBuffer };
    assert.equal(memory.buffer.byteLength, INITIAL_WASM_BYTES);
  });

  it('can be cancelled while it waits on the host, and disposes cleanly', async () => {
    const module = await newSandboxModule();
    let ended = false;
    const run = new JobRun(prepareContext(module), request(job('await core.mysql.query("db", "x");\nreturn job.OK;')), {
      log: () => undefined,
      call: () => undefined,
      sleep: () => undefined,
      end: () => {
        ended = true;
      },
    });
    run.start();
    assert.equal(run.pending, 1);
    run.cancel();
    run.reply(1, '[1, null, null]');
    assert.equal(ended, false);
  });
});
