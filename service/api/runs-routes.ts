/** `/api/v1/runs`: the recorded runs, and a run's log live while it runs. */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { RUN_OUTCOMES, type InFlightOutcome, type LogEntry, type RunOutcomeName, type RunRecord } from '../jobs/types.js';
import type { RunEvents } from '../runs/run-events.js';
import type { Store } from '../store/store.js';
import { ApiError } from './errors.js';
import { runJson } from './serialize.js';

/** Which runs in flight wait for a thread and which hold one: only the process running them knows. */
export interface LiveRuns {
  inFlight(id: number): InFlightOutcome | undefined;
}

/** The log lines of runs in flight on other nodes, through the store (several nodes on one store). */
export interface RemoteLines {
  /** Asks the running node to copy the run's lines to the store for a while. */
  watch(id: number): Promise<void>;
  linesAfter(id: number, seq: number): Promise<Array<{ seq: number; entry: LogEntry }>>;
}

/** How often a run in flight on another node is read again for its lines and its end. */
const REMOTE_POLL_MS = 500;

export function runsRoutes({ store, runEvents, live, remoteLines }: { store: Store; runEvents: RunEvents; live?: LiveRuns; remoteLines?: RemoteLines }): Hono {
  const app = new Hono();
  /** The store keeps a run in flight as `running`; one still waiting for a thread reads `queued`. */
  const present = (run: RunRecord): RunRecord =>
    run.outcome === 'running' && live?.inFlight(run.id) === 'queued' ? { ...run, outcome: 'queued' } : run;

  app.get('/', async (c) => {
    const job = c.req.query('job');
    const limit = positiveInt(c.req.query('limit'), 'limit', 50, 1000);
    const before = c.req.query('before') === undefined ? undefined : positiveInt(c.req.query('before'), 'before', 0, Number.MAX_SAFE_INTEGER);
    const outcome = outcomeFilter(c.req.query('outcome'));
    // Queued and running runs are one set in the store: ask for enough of it (no more than the
    // jobs in flight, one run each) and sort them here.
    const inFlight = outcome === 'queued' || outcome === 'running';
    const runs = (await store.listRuns({ job: job || undefined, limit: inFlight ? 1000 : limit, before, outcome })).map(present);
    const chosen = inFlight ? runs.filter((run) => run.outcome === outcome).slice(0, limit) : runs;
    return c.json(chosen.map(runJson));
  });

  app.get('/:id', async (c) => c.json(runJson(present(await findRun(store, c.req.param('id'))))));

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

function outcomeFilter(raw: string | undefined): RunOutcomeName | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(RUN_OUTCOMES as readonly string[]).includes(raw)) {
    throw new ApiError(400, 'bad_request', `outcome must be one of ${RUN_OUTCOMES.join(', ')}`, { field: 'outcome' });
  }
  return raw as RunOutcomeName;
}

function positiveInt(raw: string | undefined, field: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new ApiError(400, 'bad_request', `${field} must be a whole number from 1 to ${max}`, { field });
  }
  return value;
}
