/** `/api/v1/runs`: the recorded runs, and a run's log live while it runs. */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { RunEvents } from '../runs/run-events.js';
import type { Store } from '../store/store.js';
import { ApiError } from './errors.js';
import { runJson } from './serialize.js';

/** How often a run in flight on another node is read again for its end. */
const REMOTE_POLL_MS = 500;

export function runsRoutes({ store, runEvents }: { store: Store; runEvents: RunEvents }): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const job = c.req.query('job');
    const limit = positiveInt(c.req.query('limit'), 'limit', 50, 1000);
    const before = c.req.query('before') === undefined ? undefined : positiveInt(c.req.query('before'), 'before', 0, Number.MAX_SAFE_INTEGER);
    const runs = await store.listRuns({ job: job || undefined, limit, before });
    return c.json(runs.map(runJson));
  });

  app.get('/:id', async (c) => c.json(runJson(await findRun(store, c.req.param('id')))));

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
        // store), in which case the record is read again until it ends.
        let run = await findRun(store, String(id));
        let open = true;
        stream.onAbort(() => {
          open = false;
        });
        while (open && run.outcome === 'running') {
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

function positiveInt(raw: string | undefined, field: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new ApiError(400, 'bad_request', `${field} must be a whole number from 1 to ${max}`, { field });
  }
  return value;
}
