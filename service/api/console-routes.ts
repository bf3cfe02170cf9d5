/**
 * The operator's console (SPEC §9) beyond runs and jobs: `GET /stats` for the dashboard and
 * `POST /schedule/preview` for the job form's upcoming slots.
 */
import { Hono } from 'hono';
import type { JobService } from '../job-service/job-service.js';
import { parseJobFields } from '../jobs/job-input.js';
import { offsetAt } from '../scheduler/time-zone.js';
import { HOUR_MS } from '../store/run-rollups.js';
import type { Store } from '../store/store.js';
import { SchedulePreview, StatsQuery } from './contract/bodies.js';
import { validBody, validQuery } from './validate.js';
import { invalid, parseStatsRange } from './console-query.js';
import { statsJson } from './stats-json.js';
import { upcomingJson } from './upcoming-json.js';

/** How many of the jobs failing most the dashboard lists. */
const FAILING_MOST = 5;

export function consoleRoutes({ store, jobs, now = Date.now }: { store: Store; jobs: JobService; now?: () => number }): Hono {
  const app = new Hono();

  app.get('/stats', async (c) => {
    // The rollups count whole hours: the period is widened to them, and said so in the answer.
    const range = parseStatsRange(validQuery(c, StatsQuery), now());
    const until = Math.ceil(range.until / HOUR_MS) * HOUR_MS;
    const since = range.days === undefined ? Math.floor(range.since / HOUR_MS) * HOUR_MS : until - range.days * 24 * HOUR_MS;
    const previousSince = since - (until - since);
    const offsetHours = Math.round(offsetAt(jobs.timeZone, until) / HOUR_MS);
    const stats = await store.runStats({ since, until, previousSince, dayOffsetHours: offsetHours, failingLimit: FAILING_MOST });
    return c.json(statsJson(stats, { since, until, previousSince, offsetMs: offsetHours * HOUR_MS, timeZone: jobs.timeZone }));
  });

  app.post('/schedule/preview', async (c) => {
    const { n = 5, ...fields } = await validBody(c, SchedulePreview);
    const parsed = parseJobFields(fields, 'update');
    if (!parsed.ok) throw invalid(parsed.field, parsed.message);
    const value = parsed.value;
    if ((value.interval ?? null) === null && (value.cron ?? null) === null) throw invalid('interval', 'give either interval (seconds) or cron');
    const settings = {
      interval: value.interval ?? null,
      cron: value.cron ?? null,
      timezone: value.timezone ?? null,
      period: value.period ?? null,
      missed: value.missed ?? 'once',
    };
    return c.json(upcomingJson(jobs.preview(settings, n), settings.timezone ?? jobs.timeZone, settings.period));
  });

  return app;
}
