/**
 * One of everything written, the store closed and opened again over the same file or database,
 * and each of them read back: what both stores' "keeps everything across close and reopen" prove.
 */
import assert from 'node:assert/strict';
import type { Store } from '../../../../service/store/store.js';
import { newJob, newRun, succeeded, T0 } from './context.js';

export async function assertKeptAcrossReopen(open: () => Store | Promise<Store>): Promise<void> {
  const first = await open();
  await first.createJob(newJob('kept'), 'v1');
  await first.saveCode('kept', 'v2');
  const runId = await first.startRun(newRun('kept'));
  await first.finishRun(runId, succeeded(), { lastRunAt: T0 });
  const dataId = await first.dataSave('things', { n: 1 });
  await first.setSetting('k', 'v');
  await first.close();

  const second = await open();
  try {
    const job = await second.getJob('kept');
    assert.deepEqual(job, { ...newJob('kept'), version: 2, lastRunAt: T0, updatedAt: job?.updatedAt });
    assert.equal((await second.getCode('kept'))?.code, 'v2');
    assert.equal((await second.getRun(runId))?.outcome, 'success');
    assert.deepEqual(await second.dataGet('things', dataId), { n: 1, _id: dataId });
    assert.equal(await second.getSetting('k'), 'v');
    // Ids keep growing after a reopen: paging by `before` never meets an old id again.
    assert.ok((await second.startRun(newRun('kept', T0 + 1000))) > runId);
  } finally {
    await second.close();
  }
}
