/**
 * The real service with a period that opens and closes every few seconds (date ranges the test
 * sets relative to now, in UTC): 1-second jobs run only inside it, once at the opening under
 * `missed: "once"`, at their next slot inside under `"skip"`; an edit reaches jobs that wait on
 * the period at once; a restart keeps periods and jobs' periods.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startService, waitFor, type ServiceHandle } from '../helpers/service.js';

const started: ServiceHandle[] = [];
after(async () => {
  for (const svc of started) {
    await svc.kill();
    await svc.cleanup();
  }
});

const code = 'const job = core.job();\njob.run = async () => job.OK;\nreturn job;\n';

/** A range covering [from, to) in UTC (whole seconds), crossing midnight if it must. */
function range(from: number, to: number): { days: string[]; from: string; to: string } {
  const at = (t: number) => new Date(t).toISOString();
  return { days: [at(from).slice(0, 10)], from: at(from).slice(11, 19), to: at(to).slice(11, 19) };
}

interface Window {
  from: number;
  to: number;
}

const inside = (windows: Window[], t: number) => windows.some((w) => t >= w.from && t < w.to);

async function runsOf(svc: ServiceHandle, job: string): Promise<Array<{ scheduledAt: string; startedAt: string; outcome: string }>> {
  return ((await svc.api(`/runs?job=${job}&limit=100`)).body as Array<{ scheduledAt: string; startedAt: string; outcome: string }>).reverse();
}

describe('1-second jobs limited to a period that opens every few seconds', () => {
  it('run only inside it: once at the opening, or from their next slot inside; an edit and a restart apply', async () => {
    const svc = await startService({ env: { QUICKJOBS_TZ: 'UTC' } });
    started.push(svc);
    // Both periods start an hour off; the jobs are created waiting, and the windows are set once
    // everything is in place (a loaded machine may take seconds to create jobs).
    const hour = Math.ceil(Date.now() / 1000) * 1000 + 3_600_000;
    const far = { from: hour, to: hour + 3000 };
    for (const name of ['pulse', 'later']) {
      const res = await svc.api('/periods', { method: 'POST', body: { name, timezone: 'UTC', ranges: [range(far.from, far.to)] } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    for (const [name, missed, period] of [['once', 'once', 'pulse'], ['skip', 'skip', 'pulse'], ['waiter', 'once', 'later']] as const) {
      const res = await svc.api('/jobs', { method: 'POST', body: { name, interval: 1, missed, period, code } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }

    // A job waiting for its period says when that opens, an hour off.
    const waiting = (await svc.api('/jobs/waiter')).body;
    assert.equal(waiting.nextRunAt, new Date(far.from).toISOString());
    assert.deepEqual(waiting.periodWait, { period: 'later', opensAt: new Date(far.from).toISOString() });

    // Edited while the jobs wait: the new windows apply at once.
    const base = Math.ceil(Date.now() / 1000) * 1000 + 2000;
    const soon = { from: base, to: base + 1000 };
    const windows: Window[] = [
      { from: base + 2000, to: base + 5000 },
      { from: base + 8000, to: base + 11000 },
    ];
    assert.equal((await svc.api('/periods/later', { method: 'PUT', body: { ranges: [range(soon.from, soon.to)] } })).status, 200);
    assert.equal((await svc.api('/periods/pulse', { method: 'PUT', body: { ranges: windows.map((w) => range(w.from, w.to)) } })).status, 200);
    assert.equal((await svc.api('/jobs/waiter')).body.nextRunAt, new Date(soon.from).toISOString());
    assert.equal((await svc.api('/jobs/once')).body.nextRunAt, new Date(windows[0]!.from).toISOString());

    // Both pulse jobs end up with nothing left to wait for once the last window has closed.
    for (const name of ['once', 'skip', 'waiter']) {
      await waitFor(async () => Date.now() > windows[1]!.to + 1000 && (await svc.api(`/jobs/${name}`)).body.nextRunAt === null, 20_000, `${name} to be done`);
    }

    const waiter = await runsOf(svc, 'waiter');
    assert.ok(waiter.length >= 1, 'the edited period opened for the waiter');
    for (const run of waiter) {
      assert.ok(Date.parse(run.scheduledAt) < soon.to, `waiter ran the slot ${run.scheduledAt}, after ${new Date(soon.to).toISOString()}`);
      assert.ok(Date.parse(run.startedAt) >= soon.from, `waiter started at ${run.startedAt}, before ${new Date(soon.from).toISOString()}`);
    }

    // A run counts as a slot inside a window, or (`once`) as the slot skipped before one, and never
    // starts before that window opens. Only the slot is held to the window: a slot inside that a
    // loaded machine starts late may start after the window has closed.
    const windowOf = (name: string, scheduledAt: number) =>
      windows.find((w) => scheduledAt >= w.from && scheduledAt < w.to) ??
      (name === 'once' ? windows.find((w) => scheduledAt < w.from && w.from - scheduledAt <= 1000) : undefined);
    for (const name of ['once', 'skip']) {
      const runs = await runsOf(svc, name);
      const seen = runs.map((r) => `${r.scheduledAt} started ${r.startedAt}`).join(', ');
      assert.ok(runs.length >= 4, `${name} ran ${runs.length} times`);
      for (const run of runs) {
        assert.equal(run.outcome, 'success');
        const window = windowOf(name, Date.parse(run.scheduledAt));
        assert.ok(window, `${name} ran a slot outside the period: ${seen}`);
        assert.ok(Date.parse(run.startedAt) >= window.from, `${name} started before its window opened: ${seen}`);
      }
      // Slots stay on the cadence: whole seconds apart, whatever was skipped.
      const slots = runs.map((r) => Date.parse(r.scheduledAt));
      for (let i = 1; i < slots.length; i++) assert.equal((slots[i]! - slots[0]!) % 1000, 0, `${name} kept its cadence`);
    }

    const once = await runsOf(svc, 'once');
    for (const window of windows) {
      const first = once.find((r) => Date.parse(r.startedAt) >= window.from)!;
      assert.ok(Date.parse(first.startedAt) - window.from < 1000, `once ran at the opening (${first.startedAt})`);
      assert.ok(Date.parse(first.scheduledAt) < window.from, 'counted as the skipped slot');
    }
    const skip = await runsOf(svc, 'skip');
    for (const run of skip) assert.ok(inside(windows, Date.parse(run.scheduledAt)), `skip ran only slots inside (${run.scheduledAt})`);
    for (const window of windows) {
      const first = skip.find((r) => Date.parse(r.startedAt) >= window.from)!;
      assert.ok(Date.parse(first.scheduledAt) >= window.from && Date.parse(first.scheduledAt) < window.from + 1000, 'skip waited for its next slot');
    }

    // A restart keeps the periods and the jobs' periods.
    const periodsBefore = (await svc.api('/periods')).body;
    assert.equal(await svc.stop(), 0);
    const again = await startService({ dataDir: svc.dataDir, jobsDir: svc.jobsDir, env: { QUICKJOBS_TZ: 'UTC' } });
    started.push(again);
    assert.deepEqual((await again.api('/periods')).body, periodsBefore);
    for (const name of ['once', 'skip', 'waiter']) {
      const job = (await again.api(`/jobs/${name}`)).body;
      assert.equal(job.period, name === 'waiter' ? 'later' : 'pulse');
      assert.equal(job.nextRunAt, null, `${name} still has no opening to wait for`);
    }
    const extended = await again.api('/periods/pulse', { method: 'PUT', body: { ranges: [range(Math.ceil(Date.now() / 1000) * 1000 + 1000, Math.ceil(Date.now() / 1000) * 1000 + 600_000)] } });
    assert.equal(extended.status, 200);
    await waitFor(async () => (await runsOf(again, 'once')).length > once.length, 10_000, 'once to run again in the edited period after the restart');
  });
});
