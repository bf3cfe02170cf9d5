/** Runs: start, finish with the job's patch, history pruning, listing, interruption. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { JobStatus } from '../../../../service/jobs/types.js';
import { JobBusyError, JobNotFoundError, SlotTakenError } from '../../../../service/store/errors.js';
import { CONFORMANCE_RUN_HISTORY, newJob, newRun, type StoreContext, succeeded, T0 } from './context.js';

export function describeRuns(context: StoreContext): void {
  describe('runs', () => {
    /** Starts and finishes `count` runs of `job`, one second apart; resolves to their ids. */
    async function finishedRuns(job: string, count: number, from = T0): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const startedAt = from + i * 1000;
        const id = await context.store.startRun(newRun(job, startedAt));
        await context.store.finishRun(id, succeeded(startedAt));
        ids.push(id);
      }
      return ids;
    }

    it('records a run taken up as in flight, queued at its time, with no start, wait, ending or log yet', async () => {
      await context.store.createJob(newJob('runner'), '');
      const id = await context.store.startRun(newRun('runner', T0, { trigger: 'manual', scheduledAt: null, codeVersion: null }));
      assert.deepEqual(await context.store.getRun(id), {
        id,
        job: 'runner',
        trigger: 'manual',
        scheduledAt: null,
        queuedAt: T0,
        startedAt: null,
        finishedAt: null,
        waitMs: null,
        durationMs: null,
        result: null,
        outcome: 'running',
        error: null,
        logs: [],
        codeVersion: null,
        by: 'token',
        cancelledBy: null,
        node: null,
        params: { day: '2026-01-14', key: { $secret: 'api-token' } },
      });
    });

    it('keeps no params for a run recorded without them, and the params of a batched start', async () => {
      await context.store.createJob(newJob('plain'), '');
      await context.store.createJob(newJob('batched'), '');
      const id = await context.store.startRun(newRun('plain', T0, { params: null }));
      assert.equal((await context.store.getRun(id))?.params, null);
      const [batched] = await context.store.startRuns([newRun('batched', T0 + 1, { params: { n: 2 } })]);
      assert.ok(batched?.ok);
      assert.deepEqual((await context.store.getRun(batched.id))?.params, { n: 2 });
    });

    it('refuses to start a run of a job that does not exist', async () => {
      await assert.rejects(context.store.startRun(newRun('ghost')), JobNotFoundError);
    });

    it('records a batch of starts in one call, refusing only the rows whose job is gone or already in flight', async () => {
      await context.store.createJob(newJob('a'), '');
      await context.store.createJob(newJob('b'), '');
      await context.store.createJob(newJob('c'), '');
      const answers = await context.store.startRuns([newRun('a', T0), newRun('ghost', T0), newRun('b', T0 + 1), newRun('a', T0 + 2), newRun('c', T0 + 3)]);
      assert.equal(answers.length, 5);
      assert.ok(!answers[1]!.ok && answers[1]!.error instanceof JobNotFoundError);
      assert.ok(!answers[3]!.ok && answers[3]!.error instanceof JobBusyError);
      const ids = answers.filter((answer) => answer.ok).map((answer) => (answer.ok ? answer.id : 0));
      assert.equal(new Set(ids).size, 3);
      // Each id names the row it answered.
      for (const [i, expected] of [[0, newRun('a', T0)], [2, newRun('b', T0 + 1)], [4, newRun('c', T0 + 3)]] as const) {
        const answer = answers[i]!;
        assert.ok(answer.ok);
        const run = await context.store.getRun(answer.id);
        assert.equal(run?.job, expected.job);
        assert.equal(run?.queuedAt, expected.queuedAt);
        assert.equal(run?.outcome, 'running');
      }
      assert.deepEqual(await context.store.startRuns([]), []);
    });

    it('records the ends of several runs in one call, each as finishRun would', async () => {
      await context.store.createJob(newJob('a'), '');
      await context.store.createJob(newJob('b'), '');
      await context.store.createJob(newJob('c'), '');
      const a = await context.store.startRun(newRun('a'));
      const b = await context.store.startRun(newRun('b'));
      const late = await context.store.startRun(newRun('c', T0 + 1));
      await context.store.interruptRunning(T0 + 5, 'the service stopped');
      const c = await context.store.startRun(newRun('a', T0 + 10));
      const before = await context.store.getJob('a');
      await context.store.finishRuns([
        { id: a, finished: succeeded(), jobPatch: { lastResult: 'OK', lastRunAt: T0 + 2 } },
        { id: c, finished: succeeded(T0 + 10, { outcome: 'error', result: null, error: { message: 'boom' } }) },
        { id: b, finished: succeeded() },
      ]);
      // The interrupted run `b` stays so; `a` and `c` are recorded, with `a`'s patch.
      assert.equal((await context.store.getRun(a))?.outcome, 'interrupted');
      assert.equal((await context.store.getRun(b))?.outcome, 'interrupted');
      assert.deepEqual(await context.store.getRun(c), { ...newRun('a', T0 + 10), id: c, ...succeeded(T0 + 10, { outcome: 'error', result: null, error: { message: 'boom' } }) });
      // The interrupted run's patch is not applied.
      assert.deepEqual(await context.store.getJob('a'), before);
      assert.equal((await context.store.getRun(late))?.outcome, 'interrupted');
      await context.store.finishRuns([]);
    });

    it('lists runs by outcome, the in-flight ones under queued and running alike', async () => {
      await context.store.createJob(newJob('a'), '');
      const [done] = await finishedRuns('a', 1);
      const inFlight = await context.store.startRun(newRun('a', T0 + 5000));
      const ids = async (outcome: 'queued' | 'running' | 'success' | 'error') =>
        (await context.store.listRuns({ limit: 10, outcome })).map((run) => run.id);
      assert.deepEqual(await ids('success'), [done]);
      assert.deepEqual(await ids('running'), [inFlight]);
      assert.deepEqual(await ids('queued'), [inFlight]);
      assert.deepEqual(await ids('error'), []);
      assert.deepEqual((await context.store.listRuns({ limit: 10, outcome: 'success', job: 'a', before: inFlight })).map((r) => r.id), [done]);
    });

    it('hands out ever larger ids', async () => {
      await context.store.createJob(newJob('runner'), '');
      const ids = await finishedRuns('runner', 3);
      assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!, `ids ${ids.join(', ')}`);
    });

    it('records how a run ended, with its error and log', async () => {
      await context.store.createJob(newJob('runner'), '');
      const id = await context.store.startRun(newRun('runner'));
      const ending = succeeded(T0, {
        result: null,
        outcome: 'error',
        error: { message: 'boom', line: 3, column: 7 },
        logs: [
          { at: '2026-01-15T12:00:00.010Z', level: 'warn', message: 'careful' },
          { at: '2026-01-15T12:00:00.020Z', level: 'error', message: 'boom "quoted" \n next' },
        ],
      });
      await context.store.finishRun(id, ending);
      assert.deepEqual(await context.store.getRun(id), { ...newRun('runner'), id, ...ending });
    });

    it('applies the job patch together with the ending', async () => {
      await context.store.createJob(newJob('runner'), '');
      const id = await context.store.startRun(newRun('runner'));
      await context.store.finishRun(id, succeeded(), {
        lastRunAt: T0,
        lastResult: 'OK',
        lastScheduledAt: T0 - 5,
        nextRunAt: T0 + 300_000,
        status: 'ok',
        failing: false,
        lastError: null,
      });
      const job = await context.store.getJob('runner');
      assert.deepEqual(job, {
        ...newJob('runner'),
        version: 1,
        lastRunAt: T0,
        lastResult: 'OK',
        lastScheduledAt: T0 - 5,
        nextRunAt: T0 + 300_000,
        status: 'ok',
        failing: false,
        lastError: null,
      });
      assert.equal((await context.store.getRun(id))?.outcome, 'success');
    });

    it('leaves the job as it was when the ending comes without a patch', async () => {
      await context.store.createJob(newJob('runner'), '');
      await finishedRuns('runner', 1);
      assert.deepEqual(await context.store.getJob('runner'), { ...newJob('runner'), version: 1 });
    });

    it('writes neither the ending nor the patch when the patch cannot be written', async () => {
      await context.store.createJob(newJob('runner'), '');
      const id = await context.store.startRun(newRun('runner'));
      // A status of null breaks the job record's rules in every store: the whole step must fail.
      const broken = { status: null as unknown as JobStatus, lastRunAt: T0 };
      await assert.rejects(context.store.finishRun(id, succeeded(), broken));
      assert.equal((await context.store.getRun(id))?.outcome, 'running');
      assert.deepEqual(await context.store.getJob('runner'), { ...newJob('runner'), version: 1 });
    });

    it('finishes quietly a run whose job was deleted while it ran', async () => {
      await context.store.createJob(newJob('runner'), '');
      const id = await context.store.startRun(newRun('runner'));
      await context.store.deleteJob('runner');
      await context.store.finishRun(id, succeeded(), { lastRunAt: T0 });
      assert.equal(await context.store.getRun(id), null);
      assert.equal(await context.store.getJob('runner'), null);
    });

    it(`keeps only the newest ${CONFORMANCE_RUN_HISTORY} runs of each job`, async () => {
      await context.store.createJob(newJob('busy'), '');
      await context.store.createJob(newJob('quiet'), '');
      const quiet = await finishedRuns('quiet', 2);
      const busy = await finishedRuns('busy', CONFORMANCE_RUN_HISTORY + 3);

      const kept = (await context.store.listRuns({ job: 'busy', limit: 100 })).map((run) => run.id);
      assert.deepEqual(kept, busy.slice(-CONFORMANCE_RUN_HISTORY).reverse());
      assert.equal(await context.store.getRun(busy[0]!), null);
      assert.deepEqual(
        (await context.store.listRuns({ job: 'quiet', limit: 100 })).map((run) => run.id),
        quiet.reverse(),
      );
    });

    it('claims a slot once and a job for one run at a time: a second start is refused, naming why', async () => {
      await context.store.createJob(newJob('busy'), '');
      const first = await context.store.startRun(newRun('busy', T0));
      await assert.rejects(context.store.startRun(newRun('busy', T0 + 1000)), JobBusyError);
      await assert.rejects(context.store.startRun(newRun('busy', T0, { trigger: 'manual', scheduledAt: null })), JobBusyError);
      await context.store.finishRun(first, succeeded());
      await assert.rejects(context.store.startRun(newRun('busy', T0)), SlotTakenError);
      const manual = await context.store.startRun(newRun('busy', T0 + 5, { trigger: 'manual', scheduledAt: null }));
      await context.store.finishRun(manual, succeeded());
      await context.store.startRun(newRun('busy', T0 + 1000));
      assert.equal((await context.store.listRuns({ job: 'busy', limit: 10 })).length, 3);
    });

    describe('listing', () => {
      it('lists runs newest first, of all jobs or of one', async () => {
        await context.store.createJob(newJob('a'), '');
        await context.store.createJob(newJob('b'), '');
        const a1 = await context.store.startRun(newRun('a'));
        const b1 = await context.store.startRun(newRun('b'));
        await context.store.finishRun(a1, succeeded());
        const a2 = await context.store.startRun(newRun('a', T0 + 1000));
        const ids = async (query: Parameters<typeof context.store.listRuns>[0]) =>
          (await context.store.listRuns(query)).map((run) => run.id);

        assert.deepEqual(await ids({ limit: 10 }), [a2, b1, a1]);
        assert.deepEqual(await ids({ job: 'a', limit: 10 }), [a2, a1]);
        assert.deepEqual(await ids({ job: 'b', limit: 10 }), [b1]);
        assert.deepEqual(await ids({ job: 'nobody', limit: 10 }), []);
      });

      it('pages with limit and before', async () => {
        await context.store.createJob(newJob('a'), '');
        await context.store.createJob(newJob('b'), '');
        const a = await finishedRuns('a', 4);
        const b = await finishedRuns('b', 1);
        const ids = async (query: Parameters<typeof context.store.listRuns>[0]) =>
          (await context.store.listRuns(query)).map((run) => run.id);

        assert.deepEqual(await ids({ limit: 2 }), [b[0], a[3]]);
        assert.deepEqual(await ids({ limit: 2, before: a[3] }), [a[2], a[1]]);
        assert.deepEqual(await ids({ job: 'a', limit: 2, before: a[2] }), [a[1], a[0]]);
        assert.deepEqual(await ids({ job: 'a', limit: 10, before: a[0] }), []);
      });

      it('lists runs with their logs', async () => {
        await context.store.createJob(newJob('a'), '');
        await finishedRuns('a', 1);
        const [run] = await context.store.listRuns({ job: 'a', limit: 1 });
        assert.deepEqual(run?.logs, succeeded().logs);
      });
    });

    describe('interruption', () => {
      it('marks every running run interrupted and leaves finished ones and jobs alone', async () => {
        await context.store.createJob(newJob('a'), '');
        await context.store.createJob(newJob('b'), '');
        const [done] = await finishedRuns('a', 1);
        const runningA = await context.store.startRun(newRun('a', T0 + 5000));
        const runningB = await context.store.startRun(newRun('b', T0 + 6000));

        assert.equal(await context.store.interruptRunning(T0 + 10_000, 'the service stopped'), 2);

        for (const [id, startedAt] of [
          [runningA, T0 + 5000],
          [runningB, T0 + 6000],
        ] as const) {
          const run = await context.store.getRun(id);
          assert.equal(run?.outcome, 'interrupted');
          assert.equal(run.finishedAt, T0 + 10_000);
          // Its code's start is written only with its end: whether it had begun is not known.
          assert.equal(run.queuedAt, startedAt);
          assert.equal(run.startedAt, null);
          assert.equal(run.durationMs, null);
          assert.deepEqual(run.error, { message: 'the service stopped' });
        }
        assert.deepEqual(await context.store.getRun(done!), { ...newRun('a'), id: done, ...succeeded() });
        assert.equal((await context.store.getJob('a'))?.active, true);
      });

      it('keeps an interrupted run interrupted when its late finish arrives, and applies no job patch', async () => {
        await context.store.createJob(newJob('a'), '');
        const id = await context.store.startRun(newRun('a', T0 + 5000));
        await context.store.interruptRunning(T0 + 10_000, 'the service shut down');
        const before = await context.store.getJob('a');
        await context.store.finishRun(id, succeeded(), { lastResult: 'EXIT', active: false });
        assert.equal((await context.store.getRun(id))?.outcome, 'interrupted');
        assert.deepEqual(await context.store.getJob('a'), before);
      });

      it('answers 0 when nothing is running', async () => {
        await context.store.createJob(newJob('a'), '');
        await finishedRuns('a', 1);
        assert.equal(await context.store.interruptRunning(T0, 'again'), 0);
      });
    });
  });
}
