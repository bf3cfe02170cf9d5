/** `/api/v1/periods` over the whole service in-process (SPEC §12). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestService, type TestService } from '../../helpers/app.js';

let t: TestService;
before(async () => {
  t = await createTestService({ QUICKJOBS_TZ: 'Europe/Berlin' });
});
after(async () => {
  await t.close();
});

const workhours = {
  name: 'workhours',
  description: 'office hours',
  timezone: 'Europe/Berlin',
  ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }],
  exclude: ['holidays'],
};
const holidays = { name: 'holidays', ranges: [{ days: ['2026-12-24', '2026-12-25', '2027-01-01'], from: '00:00', to: '24:00' }] };

describe('periods', () => {
  it('creates periods, reads one back and lists them by name', async () => {
    assert.equal((await t.api('/periods', { method: 'POST', body: holidays })).status, 201);
    const created = await t.api('/periods', { method: 'POST', body: workhours });
    assert.equal(created.status, 201);
    assert.deepEqual({ ...created.body, createdAt: undefined, updatedAt: undefined }, { ...workhours, owner: 'user', createdAt: undefined, updatedAt: undefined });
    assert.equal((await t.api('/periods/holidays')).body.timezone, null);
    assert.deepEqual((await t.api('/periods')).body.map((p: { name: string }) => p.name), ['holidays', 'workhours']);
    assert.equal((await t.api('/periods', { method: 'POST', body: holidays })).body.error.code, 'exists');
  });

  it('answers the next openings as ISO intervals, holidays taken out', async () => {
    const res = await t.api('/periods/workhours/openings?n=3');
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 3);
    for (const { from, to } of res.body as Array<{ from: string; to: string }>) {
      assert.ok(Date.parse(to) > Date.parse(from));
      const local = new Date(from).toLocaleString('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' });
      assert.doesNotMatch(local, /Sat|Sun/);
    }
    assert.equal((await t.api('/periods/workhours/openings?n=51')).body.error.field, 'n');
    assert.equal((await t.api('/periods/nope/openings')).status, 404);
  });

  it('previews a period that is not saved', async () => {
    const res = await t.api('/periods/preview', {
      method: 'POST',
      body: { timezone: 'UTC', ranges: [{ days: ['2030-01-01'], from: '22:00', to: '02:00' }], n: 5 },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, [{ from: '2030-01-01T22:00:00.000Z', to: '2030-01-02T02:00:00.000Z' }]);
  });

  for (const [label, body, field] of [
    ['an unknown zone', { ...workhours, name: 'z', timezone: 'Mars/Olympus' }, 'timezone'],
    ['25:00', { ...workhours, name: 'z', ranges: [{ days: ['mon'], from: '08:00', to: '25:00' }] }, 'ranges[0].to'],
    ['a date that does not exist', { ...workhours, name: 'z', ranges: [{ days: ['2026-02-30'], from: '08:00', to: '09:00' }] }, 'ranges[0].days[0]'],
    ['an unknown excluded period', { ...workhours, name: 'z', exclude: ['nope'] }, 'exclude'],
    ['a period excluding itself', { ...workhours, name: 'z', exclude: ['z'] }, 'exclude'],
    ['an unknown day', { ...workhours, name: 'z', ranges: [{ days: ['monday'], from: '08:00', to: '09:00' }] }, 'ranges[0].days[0]'],
  ] as const) {
    it(`refuses ${label} with 422 naming the field`, async () => {
      const res = await t.api('/periods', { method: 'POST', body });
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'invalid');
      assert.equal(res.body.error.field, field);
      const preview = await t.api('/periods/preview', { method: 'POST', body: { ...body, name: undefined } });
      assert.equal(preview.status, 422);
    });
  }

  it('refuses an edit that makes periods exclude each other in a loop', async () => {
    const res = await t.api('/periods/holidays', { method: 'PUT', body: { exclude: ['workhours'] } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.field, 'exclude');
    assert.match(res.body.error.message, /holidays → workhours → holidays/);
  });

  it('gives a job a period, shows it on the job, and refuses a period that does not exist', async () => {
    const created = await t.api('/jobs', { method: 'POST', body: { name: 'report', interval: 60, period: 'workhours' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.period, 'workhours');
    const bad = await t.api('/jobs', { method: 'POST', body: { name: 'other', interval: 60, period: 'nope' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.field, 'period');
    assert.equal((await t.api('/jobs/report', { method: 'PUT', body: { period: 'nope' } })).body.error.field, 'period');
  });

  it('refuses to delete a period in use with 409 in_use naming its users, and deletes it once free', async () => {
    const byJob = await t.api('/periods/workhours', { method: 'DELETE' });
    assert.equal(byJob.status, 409);
    assert.equal(byJob.body.error.code, 'in_use');
    assert.deepEqual(byJob.body.error.jobs, ['report']);
    const byPeriod = await t.api('/periods/holidays', { method: 'DELETE' });
    assert.equal(byPeriod.status, 409);
    assert.deepEqual(byPeriod.body.error.periods, ['workhours']);
    await t.api('/jobs/report', { method: 'PUT', body: { period: null } });
    assert.equal((await t.api('/periods/workhours', { method: 'DELETE' })).status, 200);
    assert.equal((await t.api('/periods/workhours')).status, 404);
    assert.equal((await t.api('/periods/holidays', { method: 'DELETE' })).status, 200);
  });
});
