/** `/api/v1/runs`: the recorded runs, and a run's log live while it runs. */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { By, InFlightOutcome, LogEntry, RunRecord } from '../jobs/types.js';
import type { RunEvents } from '../runs/run-events.js';
import type { Store } from '../store/store.js';
import type { JobService } from '../job-service/job-service.js';
import { Rerun, RunsQuery } from './contract/bodies.js';
import { validBody, validQuery } from './validate.js';
import { actorOf } from './actor.js';
import { parseRunQuery } from './console-query.js';
import { ApiError } from './errors.js';
import { runJson } from './serialize.js';

/** Which runs in flight wait for a thread and which hold one: only the process running them knows. */
export interface LiveRuns {
  inFlight(id: number): InFlightOutcome | undefined;
  /** Cancels a run in flight here; resolves to it as recorded, or null when none with that id is in flight here. */
  cancel(id: number, by: By): Promise<RunRecord | null>;
}

/** The log lines of runs in flight on other nodes, through the store (several nodes on one store). */
export interface RemoteLines {
  /** Asks the running node to copy the run's lines to the store for a while. */
  watch(id: number): Promise<void>;
  linesAfter(id: number, seq: number): Promise<Array<{ seq: number; entry: LogEntry }>>;
}

/** Cancelling runs in flight on other nodes, through the store (several nodes on one store). */
export interface RemoteCancel {
  /** Asks the running node to cancel the run. */
  request(id: number, by: By): Promise<void>;
}

/** How often a run in flight on another node is read again for its lines and its end. */
const REMOTE_POLL_MS = 500;

/** How long a cancel waits for the node running the run to record its end (it polls every 250 ms). */
const REMOTE_CANCEL_WAIT_MS = 3_000;
const REMOTE_CANCEL_POLL_MS = 50;

export interface RunsRoutesOptions {
  store: Store;
  runEvents: RunEvents;
  live: LiveRuns;
  remoteLines?: RemoteLines;
  remoteCancel?: RemoteCancel;
  /** Runs a recorded run again (`POST /runs/:id/rerun`); without it that route is not served. */
  jobs?: Pick<JobService, 'rerun'>;
}

export function runsRoutes({ store, runEvents, live, remoteLines, remoteCancel, jobs }: RunsRoutesOptions): Hono {
  const app = new Hono();
  /** The store keeps a run in flight as `running`; one still waiting for a thread reads `queued`. */
  const present = (run: RunRecord): RunRecord =>
    run.outcome === 'running' && live.inFlight(run.id) === 'queued' ? { ...run, outcome: 'queued' } : run;

  app.get('/', async (c) => {
    const query = parseRunQuery(validQuery(c, RunsQuery));
    // Queued and running runs are one set in the store: ask for enough of it (no more than the
    // jobs in flight, one run each) and sort them here.
    const inFlight = query.outcome === 'queued' || query.outcome === 'running';
    const runs = (await store.listRuns(inFlight ? { ...query, limit: 1000 } : query)).map(present);
    const chosen = inFlight ? runs.filter((run) => run.outcome === query.outcome).slice(0, query.limit) : runs;
    return c.json(chosen.map(runJson));
  });

  app.get('/:id', async (c) => c.json(runJson(present(await findRun(store, c.req.param('id'))))));

  app.post('/:id/cancel', async (c) => {
    const id = runId(c.req.param('id'));
    const by = actorOf(c);
    const cancelled = await live.cancel(id, by);
    if (cancelled?.outcome === 'cancelled') return c.json(runJson(cancelled));
    // It ended on its own first (then it keeps that one outcome), or it is not executing here.
    let run = cancelled ?? (await findRun(store, String(id)));
    if (run.outcome === 'running' && remoteCancel) {
      run = await cancelElsewhere(store, remoteCancel, run, by);
      if (run.outcome === 'cancelled') return c.json(runJson(run));
    }
    if (run.outcome === 'running') {
      const why = remoteCancel ? 'the node running it has not recorded its end' : 'it is not executing here; its end is still being recorded';
      throw new ApiError(409, 'not_cancellable', `run ${id} is recorded as running but ${why}`, { run: runJson(run) });
    }
    throw new ApiError(409, 'ended', `run ${id} has already ended (${run.outcome})`, { run: runJson(run) });
  });

  app.post('/:id/rerun', async (c) => {
    if (!jobs) throw new ApiError(404, 'not_found', 'reruns are not served here');
    const latest = (await validBody(c, Rerun)).latest === true;
    const run = await findRun(store, c.req.param('id'));
    if (run.codeVersion === null && !latest) {
      throw new ApiError(409, 'not_rerunnable', `run ${run.id} ran an unsaved draft, whose code was not kept; run it again with {"latest": true} for the saved code`);
    }
    return c.json(runJson(await jobs.rerun(run, latest, actorOf(c))));
  });

  app.get('/:id/events', async (c) => {
    const id = runId(c.req.param('id'));
    return streamSSE(c, async (stream) => {
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      const unsubscribe = runEvents.subscribe(id, {
        log: (entry) => void stream.writeSSE({ event: 'log', data: JSON.stringify(entry) }),
        end: (run) => void stream.writeSSE({ event: 'end', data: JSON.stringify(runJson(run)) }).then(finish),
      });
      if (!unsubscribe) {
        // Not in flight here: it has ended, or it runs on another node (several nodes on one
        // store), in which case its lines come through the store until its record shows the end.
        let run = await findRun(store, String(id));
        let open = true;
        stream.onAbort(() => {
          open = false;
        });
        let seq = 0;
        while (open && run.outcome === 'running') {
          if (remoteLines) {
            await remoteLines.watch(id);
            for (const line of await remoteLines.linesAfter(id, seq)) {
              seq = line.seq;
              await stream.writeSSE({ event: 'log', data: JSON.stringify(line.entry) });
            }
          }
          await stream.sleep(REMOTE_POLL_MS);
          run = await findRun(store, String(id));
        }
        if (open) await stream.writeSSE({ event: 'end', data: JSON.stringify(runJson(run)) });
        return;
      }
      stream.onAbort(() => {
        unsubscribe();
        finish();
      });
      await done;
      unsubscribe();
    });
  });

  return app;
}

/** Asks the node running `run` to cancel it and waits for its recorded end (or gives up, still running). */
async function cancelElsewhere(store: Store, remote: RemoteCancel, run: RunRecord, by: By): Promise<RunRecord> {
  await remote.request(run.id, by);
  const deadline = performance.now() + REMOTE_CANCEL_WAIT_MS;
  while (run.outcome === 'running' && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, REMOTE_CANCEL_POLL_MS));
    run = await findRun(store, String(run.id));
  }
  return run;
}

async function findRun(store: Store, raw: string) {
  const run = await store.getRun(runId(raw));
  if (!run) throw new ApiError(404, 'not_found', `run ${raw} does not exist`);
  return run;
}

function runId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw new ApiError(404, 'not_found', `run ${raw} does not exist`);
  return id;
}
