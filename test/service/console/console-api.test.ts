/**
 * The operator's console over HTTP (SPEC §9): run filters and their errors, who started a run,
 * cancel (a spinner, a run awaiting a network call that never answers, a run that ends as it is
 * cancelled), upcoming slots, the schedule preview, restoring a version and the stats.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestService, TEST_PASSWORD, type TestService } from '../../helpers/app.js';
import { startGate, type Gate } from '../../helpers/gate.js';

let t: TestService;
let gate: Gate;

before(async () => {
  gate = await startGate();
  t = await createTestService({ QUICKJOBS_NETWORK_ALLOW: '127.0.0.1' });
});
after(async () => {
  await t.close();
  await gate.close();
});

const job = (body: string) => `const job = core.job(); job.run = async () => { ${body} }; return job;`;

async function create(name: string, code: string, fields: Record<string, unknown> = {}): Promise<void> {
  const res = await t.api('/jobs', { method: 'POST', body: { name, interval: 3600, timeout: 60, code, ...fields } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

/** The id of the job's run in flight, once its start is recorded (the run's own `core.log` tells the test it is there). */
async function runningId(name: string, marker: string): Promise<number> {
  for (;;) {
    const [run] = (await t.api(`/runs?job=${name}&outcome=running&limit=1`)).body as Array<{ id: number }>;
    if (run) {
      await logged(run.id, marker);
      return run.id;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Resolves once the run's live log shows `marker`. */
async function logged(id: number, marker: string): Promise<void> {
  const response = await t.service.app.request(`/api/v1/runs/${id}/events`, { headers: { authorization: 'Bearer test-token-0123456789abcdef' } });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the run ended before logging ${marker}: ${text}`);
    text += decoder.decode(value);
  }
  await reader.cancel();
}

describe('listing runs with filters', () => {
  it('filters by job, outcome, trigger and time, and records who started each run', async () => {
    await create('filtered', job('return job.OK;'));
    await create('failing', job('throw new Error("no");'));
    const manual = await t.api('/jobs/filtered/run', { method: 'POST' });
    assert.equal(manual.body.trigger, 'manual');
    assert.equal(manual.body.by, 'QUICKJOBS_API_TOKEN');
    const failed = await t.api('/jobs/failing/run', { method: 'POST' });
    const draft = await t.api('/jobs/filtered/run', { method: 'POST', body: { code: job('return job.OK;') } });
    assert.equal(draft.body.trigger, 'draft');

    const ids = async (query: string) => ((await t.api(`/runs?${query}`)).body as Array<{ id: number }>).map((r) => r.id);
    assert.deepEqual(await ids('job=filtered'), [draft.body.id, manual.body.id]);
    assert.deepEqual(await ids('outcome=error&job=failing'), [failed.body.id]);
    assert.deepEqual(await ids('trigger=draft'), [draft.body.id]);
    assert.deepEqual(await ids(`trigger=manual&since=${manual.body.queuedAt}&until=${new Date(Date.now() + 1000).toISOString()}`), [failed.body.id, manual.body.id]);
    assert.deepEqual(await ids(`job=filtered&before=${draft.body.id}`), [manual.body.id]);
    assert.deepEqual(await ids(`until=${manual.body.queuedAt}&job=filtered`), []);

    // A webmin session is recorded as its user.
    const origin = { origin: 'http://localhost' };
    const login = await t.api('/login', { method: 'POST', auth: false, body: { password: TEST_PASSWORD }, headers: origin });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const fromWebmin = await t.api('/jobs/filtered/run', { method: 'POST', auth: false, headers: { cookie, ...origin } });
    assert.equal(fromWebmin.body.by, 'admin');
  });

  for (const [query, field] of [
    ['outcome=exploded', 'outcome'],
    ['trigger=cron', 'trigger'],
    ['since=yesterday', 'since'],
    ['since=2030-01-01T10:00:00', 'since'],
    ['until=2030-13-01T00:00:00Z', 'until'],
    ['since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z', 'until'],
    ['before=0', 'before'],
    ['before=-4', 'before'],
    ['limit=1001', 'limit'],
    [`job=${'x'.repeat(65)}`, 'job'],
  ] as const) {
    it(`answers 422 naming ${field} for ${query.slice(0, 40)}`, async () => {
      const res = await t.api(`/runs?${query}`);
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'invalid');
      assert.equal(res.body.error.field, field);
    });
  }
});

describe('cancelling a run', () => {
  it('stops a run spinning in a loop within a second, as cancelled, not an error, and frees its thread', async () => {
    await create('spinner', job('core.log("spinning"); for (;;) {}'));
    const running = t.api('/jobs/spinner/run', { method: 'POST' });
    const id = await runningId('spinner', 'spinning');
    const asked = performance.now();
    const res = await t.api(`/runs/${id}/cancel`, { method: 'POST' });
    const took = performance.now() - asked;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.outcome, 'cancelled');
    assert.equal(res.body.cancelledBy, 'QUICKJOBS_API_TOKEN');
    assert.ok(took < 1000, `cancelled in ${Math.round(took)} ms`);
    assert.equal((await running).body.outcome, 'cancelled');
    // The thread was interrupted, not left spinning until the 60 s timeout.
    const freedBy = performance.now() + 2000;
    while (t.service.pool.stats().busy > 0) {
      assert.ok(performance.now() < freedBy, 'the spinning thread was not interrupted');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const spinnerJob = (await t.api('/jobs/spinner')).body;
    assert.deepEqual([spinnerJob.status, spinnerJob.active, spinnerJob.lastError], ['ok', true, null]);
    assert.equal((await t.api(`/runs/${id}`)).body.outcome, 'cancelled');
  });

  it('stops a run awaiting a network call that never answers', async () => {
    await create('waiter', job(`core.log("asking"); await core.network.get('${gate.url}'); return job.OK;`));
    const arrived = gate.arrived();
    const running = t.api('/jobs/waiter/run', { method: 'POST' });
    await arrived;
    const id = await runningId('waiter', 'asking');
    const asked = performance.now();
    const res = await t.api(`/runs/${id}/cancel`, { method: 'POST' });
    assert.ok(performance.now() - asked < 1000);
    assert.equal(res.body.outcome, 'cancelled');
    assert.equal((await running).body.outcome, 'cancelled');
  });

  it('gives a run that ends as it is cancelled one outcome, the one the answer reports', async () => {
    await create('racer', job(`core.log("waiting"); await core.network.get('${gate.url}'); return job.OK;`));
    const outcomes = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const arrived = gate.arrived();
      const running = t.api('/jobs/racer/run', { method: 'POST' });
      await arrived;
      const id = await runningId('racer', 'waiting');
      // Open the gate and cancel in the same turn: the run's end and the cancel race.
      if (round % 2 === 0) gate.open();
      const cancel = t.api(`/runs/${id}/cancel`, { method: 'POST' });
      if (round % 2 === 1) gate.open();
      const [answer, ran] = await Promise.all([cancel, running]);
      const stored = (await t.api(`/runs/${id}`)).body;
      if (answer.status === 200) assert.equal(stored.outcome, 'cancelled');
      else {
        assert.equal(answer.status, 409);
        assert.equal(answer.body.error.code, 'ended');
        assert.equal(stored.outcome, 'success');
      }
      assert.equal(ran.body.outcome, stored.outcome);
      outcomes.add(stored.outcome);
    }
    assert.ok(outcomes.size >= 1);
  });

  it('answers 409 for a run that has ended and 404 for one that never was', async () => {
    await create('quick', job('return job.OK;'));
    const run = await t.api('/jobs/quick/run', { method: 'POST' });
    const ended = await t.api(`/runs/${run.body.id}/cancel`, { method: 'POST' });
    assert.equal(ended.status, 409);
    assert.equal(ended.body.error.code, 'ended');
    assert.equal((await t.api('/runs/999999/cancel', { method: 'POST' })).status, 404);
    assert.equal((await t.api('/runs/abc/cancel', { method: 'POST' })).status, 404);
  });
});

describe('upcoming slots', () => {
  it("lists the job's next slots, n of them, and none while it is inactive", async () => {
    await create('ticker', job('return job.OK;'), { interval: 600 });
    const { body } = await t.api('/jobs/ticker/upcoming');
    assert.equal(body.slots.length, 5);
    const times = (body.slots as string[]).map(Date.parse);
    for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, 600_000);
    assert.equal(times[0], Date.parse((await t.api('/jobs/ticker')).body.nextRunAt));
    assert.equal((await t.api('/jobs/ticker/upcoming?n=50')).body.slots.length, 50);
    await t.api('/jobs/ticker', { method: 'PUT', body: { active: false } });
    assert.deepEqual((await t.api('/jobs/ticker/upcoming')).body.slots, []);
  });

  it('answers 422 naming n when it is out of range, and 404 for an unknown job', async () => {
    for (const n of ['0', '51', 'x']) {
      const res = await t.api(`/jobs/ticker/upcoming?n=${n}`);
      assert.equal(res.status, 422);
      assert.equal(res.body.error.field, 'n');
    }
    assert.equal((await t.api('/jobs/ghost/upcoming')).status, 404);
  });
});

describe("upcoming slots of a job limited to a period", () => {
  const HOUR = 3_600_000;
  const weekday = (at: number) => new Date(at).getUTCDay() >= 1 && new Date(at).getUTCDay() <= 5;
  /** Inside `workhours`: Monday to Friday, 09:00 to 17:00 UTC. */
  const inside = (at: number) => weekday(at) && new Date(at).getUTCHours() >= 9 && new Date(at).getUTCHours() < 17;

  before(async () => {
    const res = await t.api('/periods', {
      method: 'POST',
      body: { name: 'workhours', timezone: 'UTC', ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });

  it('runs only at slots inside the period and lists the slots it skips', async () => {
    await create('office', job('return job.OK;'), { interval: 3600, period: 'workhours', missed: 'skip' });
    // The job's next run, the period applied: its first slot inside.
    const first = Date.parse((await t.api('/jobs/office')).body.nextRunAt);
    const { body } = await t.api('/jobs/office/upcoming?n=20');
    assert.equal(body.period, 'workhours');
    const runs = (body.slots as string[]).map(Date.parse);
    const skipped = (body.skipped as string[]).map(Date.parse);
    assert.equal(runs.length, 20);
    // 20 hourly runs inside 8 hours a day span nights: the period skips slots, up to 20 listed.
    assert.ok(skipped.length > 0 && skipped.length <= 20);
    for (const at of runs) assert.ok(inside(at), `${new Date(at).toISOString()} runs outside the period`);
    for (const at of skipped) assert.ok(!inside(at), `${new Date(at).toISOString()} is listed as skipped but is inside`);
    assert.equal(runs[0], first);
    for (const at of [...runs, ...skipped]) assert.equal(Math.abs(at - first) % HOUR, 0, 'every time is a slot of the cadence');
    assert.deepEqual(body.runs.map((run: { at: string; slot: string }) => run.at), body.slots);
    // Without the period, the same job's slots are every hour from the first.
    await t.api('/jobs/office', { method: 'PUT', body: { period: null } });
    const next = Date.parse((await t.api('/jobs/office')).body.nextRunAt);
    const free = ((await t.api('/jobs/office/upcoming?n=20')).body.slots as string[]).map(Date.parse);
    assert.deepEqual(free, Array.from({ length: 20 }, (_, i) => next + i * HOUR));
    assert.ok(skipped.every((at) => free.includes(at) || at > free.at(-1)!), 'the skipped slots are slots the job would run at without its period');
  });

  it('previews unsaved settings with the period: a skipped slot runs once when the period opens', async () => {
    const res = await t.api('/schedule/preview', { method: 'POST', body: { interval: 3600, period: 'workhours', missed: 'once', n: 20 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const runs = res.body.runs as Array<{ at: string; slot: string }>;
    for (const run of runs) assert.ok(inside(Date.parse(run.at)));
    // The run at an opening stands for the last slot skipped before it, which is earlier.
    const late = runs.filter((run) => run.at !== run.slot);
    assert.ok(late.length > 0, 'some run waits for the period to open');
    for (const run of late) {
      assert.ok(Date.parse(run.slot) < Date.parse(run.at));
      assert.equal(new Date(run.at).toISOString().slice(11), '09:00:00.000Z');
    }
    assert.ok(res.body.skipped.length > 0);
    const unknown = await t.api('/schedule/preview', { method: 'POST', body: { interval: 3600, period: 'nosuch' } });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error.field, 'period');
  });
});

describe('schedule preview', () => {
  it('gives the next slots of an unsaved cron in its zone', async () => {
    const res = await t.api('/schedule/preview', { method: 'POST', body: { cron: '30 9 * * 1-5', timezone: 'America/New_York', n: 3 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.timezone, 'America/New_York');
    assert.equal(res.body.slots.length, 3);
    for (const slot of res.body.slots as string[]) {
      const wall = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', weekday: 'short', hour12: false }).format(new Date(slot));
      assert.match(wall, /^(Mon|Tue|Wed|Thu|Fri) 09:30$/);
    }
  });

  it('gives interval slots from now', async () => {
    const before = Date.now();
    const res = await t.api('/schedule/preview', { method: 'POST', body: { interval: 90 } });
    assert.equal(res.body.slots.length, 5);
    const first = Date.parse(res.body.slots[0]);
    assert.ok(first >= before + 90_000 && first <= Date.now() + 90_000);
  });

  for (const [body, field] of [
    [{ cron: 'every day' }, 'cron'],
    [{ interval: 0 }, 'interval'],
    [{}, 'interval'],
    [{ interval: 60, cron: '* * * * *' }, 'cron'],
    [{ cron: '* * * * *', timezone: 'Mars/Olympus' }, 'timezone'],
    [{ interval: 60, n: 51 }, 'n'],
    [{ interval: 60, active: true }, 'active'],
  ] as const) {
    it(`answers 422 naming ${field} for ${JSON.stringify(body)}`, async () => {
      const res = await t.api('/schedule/preview', { method: 'POST', body });
      assert.equal(res.status, 422);
      assert.equal(res.body.error.field, field);
    });
  }
});

describe('restoring a code version', () => {
  it('saves the old code as a new version, by whoever restored it', async () => {
    await create('versioned', job('return job.OK; /* one */'));
    await t.api('/jobs/versioned/code', { method: 'PUT', body: { code: job('return job.OK; /* two */') } });
    const res = await t.api('/jobs/versioned/versions/1/restore', { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { version: 3, restored: 1 });
    assert.match((await t.api('/jobs/versioned/code')).body.code, /\/\* one/);
    const versions = (await t.api('/jobs/versioned/versions')).body as Array<{ version: number; by: string | null }>;
    assert.deepEqual(versions.map((v) => [v.version, v.by]), [[3, 'QUICKJOBS_API_TOKEN'], [2, 'QUICKJOBS_API_TOKEN'], [1, 'QUICKJOBS_API_TOKEN']]);
  });

  it('answers 404 for a version or a job that does not exist', async () => {
    assert.equal((await t.api('/jobs/versioned/versions/9/restore', { method: 'POST' })).status, 404);
    assert.equal((await t.api('/jobs/versioned/versions/x/restore', { method: 'POST' })).status, 404);
    assert.equal((await t.api('/jobs/ghost/versions/1/restore', { method: 'POST' })).status, 404);
  });
});

describe('stats', () => {
  it('reports jobs by status, runs per day by outcome, rates and times for the period and the one before', async () => {
    const res = await t.api('/stats?days=7');
    assert.equal(res.status, 200);
    const stats = res.body;
    assert.ok(stats.days.length === 7 || stats.days.length === 8, `${stats.days.length} days`);
    assert.ok(stats.jobs.total >= 5);
    const today = stats.days.at(-1);
    assert.ok(today.outcomes.success >= 3, JSON.stringify(today));
    assert.ok(today.outcomes.cancelled >= 2);
    assert.ok(stats.period.successRate > 0 && stats.period.successRate < 1);
    assert.equal(typeof stats.period.p95DurationMs, 'number');
    assert.equal(stats.previous.runs, 0);
    assert.equal(stats.previous.successRate, null);
    assert.ok(stats.failingMost.some((f: { job: string }) => f.job === 'failing'));
    assert.equal(stats.inFlight, 0);
  });

  it('takes since and until up to 90 days', async () => {
    const until = new Date().toISOString();
    const since = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const res = await t.api(`/stats?since=${since}&until=${until}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.previous.until, res.body.since);
  });

  for (const [query, field] of [
    ['days=8', 'days'],
    ['days=7&since=2030-01-01', 'days'],
    ['since=2030-01-01&until=2030-06-01', 'until'],
    ['until=2030-01-01T00:00:00Z', 'since'],
    ['since=2030-01-02&until=2030-01-01', 'until'],
    ['since=soon', 'since'],
  ] as const) {
    it(`answers 422 naming ${field} for ${query}`, async () => {
      const res = await t.api(`/stats?${query}`);
      assert.equal(res.status, 422);
      assert.equal(res.body.error.field, field);
    });
  }
});
