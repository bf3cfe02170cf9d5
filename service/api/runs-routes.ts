/** `/api/v1/runs`: the recorded runs, and a run's log live while it runs. */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { RunEvents } from '../runs/run-events.js';
import type { By, RunRecord } from '../jobs/types.js';
import type { Store } from '../store/store.js';
import { actorOf } from './actor.js';
import { parseRunQuery } from './console-query.js';
import { ApiError } from './errors.js';
import { runJson } from './serialize.js';

export interface RunsRoutesOptions {
  store: Store;
  runEvents: RunEvents;
  /** Cancels a run executing on this node; null when none with that id does. */
  cancel: (id: number, by: By) => Promise<RunRecord | null>;
}

export function runsRoutes({ store, runEvents, cancel }: RunsRoutesOptions): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const runs = await store.listRuns(parseRunQuery(c.req.query()));
    return c.json(runs.map(runJson));
  });

  app.get('/:id', async (c) => c.json(runJson(await findRun(store, c.req.param('id')))));

  app.post('/:id/cancel', async (c) => {
    const id = runId(c.req.param('id'));
    const cancelled = await cancel(id, actorOf(c));
    if (cancelled?.outcome === 'cancelled') return c.json(runJson(cancelled));
    // It ended on its own first (then it keeps that one outcome), or it is not executing here.
    const run = cancelled ?? (await findRun(store, String(id)));
    if (run.outcome === 'running') {
      throw new ApiError(409, 'not_cancellable', `run ${id} is recorded as running but is not executing here; its end is still being recorded`, { run: runJson(run) });
    }
    throw new ApiError(409, 'ended', `run ${id} has already ended (${run.outcome})`, { run: runJson(run) });
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
        // Not in flight: it has ended (or never was); answer with the record.
        const run = await findRun(store, String(id));
        await stream.writeSSE({ event: 'end', data: JSON.stringify(runJson(run)) });
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
