/**
 * The real service, started as `quickjobs start` on a loopback port: schedules keep time, reload
 * keeps remaining time, Run Once and restarts behave. What the process itself must survive (a
 * crash, a spinning job, SIGTERM) is in process.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers/service.js';
import { jobCode, runs, start } from './services.js';

describe('a 1-second job', () => {
  it('runs on time several times in a row, each slot one second after the last', async () => {
    const svc = await start();
    const created = await svc.api('/jobs', { method: 'POST', body: { name: 'tick', interval: 1, code: jobCode('return job.OK;') } });
    assert.equal(created.status, 201);
    const done = await waitFor(async () => {
      const list = (await runs(svc, 'tick')).filter((r) => r.outcome === 'success');
      return list.length >= 4 ? list.reverse() : null;
    }, 10_000, 'four runs');
    const slots = done.map((r) => Date.parse(r.scheduledAt));
    for (let i = 1; i < slots.length; i++) assert.equal(slots[i]! - slots[i - 1]!, 1000, 'no drift between slots');
    assert.equal(slots[0]! - Date.parse(created.body.createdAt), 1000, 'first run one interval after creation');
    for (const run of done) {
      const lateness = Date.parse(run.startedAt) - Date.parse(run.scheduledAt);
      assert.ok(lateness >= 0 && lateness < 500, `started ${lateness} ms after its slot`);
      assert.equal(run.trigger, 'schedule');
    }
    const job = (await svc.api('/jobs/tick')).body;
    assert.equal(job.lastResult, 'OK');
    assert.equal(job.status, 'ok');
  });
});

describe('reload', () => {
  it('keeps a 4-second job\'s remaining time and wakes a stopped job with a fresh interval', async () => {
    const svc = await start();
    await svc.api('/jobs', { method: 'POST', body: { name: 'four', interval: 4, code: jobCode('return job.OK;') } });
    await svc.api('/jobs', { method: 'POST', body: { name: 'stopper', interval: 1, code: jobCode('return job.STOP;') } });
    const before = (await svc.api('/jobs/four')).body.nextRunAt;
    // The stopper's first run comes a second after its creation: by then a reset of 'four' would show.
    await waitFor(async () => (await svc.api('/jobs/stopper')).body.status === 'stop', 5000, 'stopper to stop');
    const reload = await svc.api('/reload', { method: 'POST' });
    assert.equal(reload.body.status, 'running');
    const afterReload = (await svc.api('/jobs/four')).body;
    assert.equal(afterReload.nextRunAt, before, 'remaining time kept');
    const stopper = (await svc.api('/jobs/stopper')).body;
    assert.equal(stopper.status, 'ok');
    const wait = Date.parse(stopper.nextRunAt) - Date.parse(reload.body.reloadedAt);
    // A fresh interval counted from the reload: 1 s, less the time the reload itself took.
    assert.ok(wait > 500 && wait <= 1000, `stopped job counts a fresh interval (${wait} ms)`);
  });
});

describe('a Run Once job', () => {
  it('runs once, not again on reload, and again after a restart', async () => {
    const svc = await start();
    await writeFile(join(svc.jobsDir, 'boot-once.js'), `// quickjobs: {"interval": 1, "runOnce": true}\n${jobCode('core.log("booted", job.trigger); return job.OK;')}`);
    await svc.api('/reload', { method: 'POST' });
    await waitFor(async () => (await svc.api('/jobs/boot-once')).body.status === 'once-done', 5000, 'once-done');
    const first = await runs(svc, 'boot-once');
    assert.equal(first.length, 1);
    assert.equal(first[0]!.trigger, 'boot');
    await svc.api('/jobs', { method: 'POST', body: { name: 'second-hand', interval: 1, code: jobCode('return job.OK;') } });
    const { reloadedAt } = (await svc.api('/reload', { method: 'POST' })).body;
    // A 1-second job that ran after the reload: the Run Once job's slot, had it one, has passed too.
    await waitFor(async () => (await runs(svc, 'second-hand')).some((run) => run.outcome !== 'running' && run.startedAt > reloadedAt), 5000, 'a slot after the reload');
    assert.equal((await runs(svc, 'boot-once')).length, 1, 'not again after reload');
    assert.equal((await svc.api('/jobs/boot-once')).body.status, 'once-done');

    assert.equal(await svc.stop(), 0);
    const again = await start({ dataDir: svc.dataDir, jobsDir: svc.jobsDir });
    const pending = (await again.api('/jobs/boot-once')).body;
    assert.equal(pending.status, 'once-pending');
    await waitFor(async () => (await runs(again, 'boot-once')).length === 2, 5000, 'a second run after restart');
  });
});
