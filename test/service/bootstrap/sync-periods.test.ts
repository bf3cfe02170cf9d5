/** `periods.json` in the jobs folder (SPEC §12, §7): the same ownership rule as job files. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportPeriods } from '../../../service/bootstrap/export-jobs.js';
import { readPeriodsFile } from '../../../service/bootstrap/sync-periods.js';
import { createTestService, type TestService } from '../../helpers/app.js';

let t: TestService;
before(async () => {
  t = await createTestService();
});
after(async () => {
  await t.close();
});

const workhours = { name: 'workhours', timezone: 'Europe/Berlin', ranges: [{ days: ['mon', 'fri'], from: '08:00', to: '18:00' }], exclude: ['holidays'] };
const holidays = { name: 'holidays', ranges: [{ days: ['2026-12-24'], from: '00:00', to: '24:00' }] };
const writePeriods = (list: unknown) => writeFile(join(t.jobsDir, 'periods.json'), JSON.stringify(list));
const reload = async () => assert.equal((await t.api('/reload', { method: 'POST' })).status, 200);

describe('periods.json', () => {
  it('creates the periods it lists (in any order) before the jobs that name them', async () => {
    await writePeriods([workhours, holidays]);
    await writeFile(join(t.jobsDir, 'report.js'), '// quickjobs: {"interval": 60, "period": "workhours"}\nreturn core.job();\n');
    await reload();
    const periods = (await t.api('/periods')).body as Array<{ name: string; owner: string; exclude: string[] }>;
    assert.deepEqual(periods.map((p) => [p.name, p.owner]), [['holidays', 'folder'], ['workhours', 'folder']]);
    assert.equal((await t.api('/jobs/report')).body.period, 'workhours');
  });

  it('updates a period whose entry changed', async () => {
    await writePeriods([{ ...workhours, ranges: [{ days: ['sat'], from: '09:00', to: '12:00' }] }, holidays]);
    await reload();
    assert.deepEqual((await t.api('/periods/workhours')).body.ranges, [{ days: ['sat'], from: '09:00', to: '12:00' }]);
  });

  it('leaves a period someone edited alone, and keeps one still in use when its entry goes', async () => {
    await t.api('/periods/holidays', { method: 'PUT', body: { description: 'mine now' } });
    await writePeriods([{ ...holidays, ranges: [{ days: ['2027-01-01'], from: '00:00', to: '24:00' }] }]);
    await reload();
    assert.equal((await t.api('/periods/holidays')).body.description, 'mine now');
    assert.deepEqual((await t.api('/periods/holidays')).body.ranges, holidays.ranges);
    assert.equal((await t.api('/periods/workhours')).status, 200, 'kept: report still uses it');
  });

  it('deletes a folder period whose entry is gone once nothing uses it', async () => {
    await rm(join(t.jobsDir, 'report.js'));
    await reload();
    assert.equal((await t.api('/periods/workhours')).status, 404);
  });

  it('is written by export in the form it is read back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quickjobs-export-'));
    try {
      const periods = [{ ...workhours, description: 'd', owner: 'user' as const, sourceHash: null, createdAt: 0, updatedAt: 0 }];
      await exportPeriods(periods, dir);
      const read = await readPeriodsFile(dir);
      assert.equal(read.problem, null);
      assert.deepEqual(read.periods.map((p) => p.fields), [{ ...workhours, description: 'd' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
