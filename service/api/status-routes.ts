/** `/api/v1/status`, `/reload` and the live `/events` stream of job changes. */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ServiceEvents } from '../events/service-events.js';
import type { Job } from '../jobs/types.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { iso, jobJson } from './serialize.js';

export interface StatusOptions {
  scheduler: Pick<Scheduler, 'status' | 'bootedAt' | 'reloadedAt' | 'list' | 'runningCount' | 'queuedCount'> & Partial<Pick<Scheduler, 'nextRunFor' | 'periodWaitFor'>>;
  events: ServiceEvents;
  version: string;
  reload: () => Promise<void>;
  /** More facts for the status object (pool, store). */
  extra?: () => Promise<Record<string, unknown>>;
}

export async function statusJson(options: StatusOptions) {
  const { scheduler } = options;
  const jobs = scheduler.list();
  return {
    status: scheduler.status,
    bootedAt: iso(scheduler.bootedAt),
    reloadedAt: iso(scheduler.reloadedAt),
    version: options.version,
    jobs: {
      total: jobs.length,
      active: jobs.filter((j) => j.active).length,
      running: scheduler.runningCount,
      queued: scheduler.queuedCount,
    },
    ...(options.extra ? await options.extra() : {}),
  };
}

/** A comment line keeps idle proxies from closing the stream. */
const KEEPALIVE_MS = 15_000;

export function statusRoutes(options: StatusOptions): Hono {
  const app = new Hono();

  app.get('/status', async (c) => c.json(await statusJson(options)));

  app.post('/reload', async (c) => {
    await options.reload();
    return c.json(await statusJson(options));
  });

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const { events } = options;
      const send = (event: string, data: unknown) => void stream.writeSSE({ event, data: JSON.stringify(data) });
      const { scheduler } = options;
      const schedule = (job: Job) => ({
        nextRunAt: scheduler.nextRunFor ? scheduler.nextRunFor(job) : job.nextRunAt,
        periodWait: scheduler.periodWaitFor ? scheduler.periodWaitFor(job) : null,
      });
      const onJob = (job: Job, running: boolean) => send('job', jobJson(job, running, schedule(job)));
      const onDeleted = (name: string) => send('job-deleted', { name });
      const onStatus = () => void statusJson(options).then((status) => send('status', status));
      events.on('job', onJob);
      events.on('job-deleted', onDeleted);
      events.on('status', onStatus);
      onStatus();
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        await stream.sleep(KEEPALIVE_MS);
        if (!closed) await stream.write(': keepalive\n\n');
      }
      events.off('job', onJob);
      events.off('job-deleted', onDeleted);
      events.off('status', onStatus);
    }),
  );

  return app;
}
