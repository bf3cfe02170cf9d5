/**
 * The operator's console (SPEC §9) beyond runs and jobs: `GET /stats` for the dashboard and
 * `POST /schedule/preview` for the job form's upcoming slots.
 */
import { Hono } from 'hono';
import { parseJobFields } from '../jobs/job-input.js';
import { MAX_UPCOMING } from '../job-service/job-service.js';
import { previewSlots } from '../scheduler/upcoming.js';
import { offsetAt } from '../scheduler/time-zone.js';
import type { Store } from '../store/store.js';
import { readObject } from './body.js';
import { invalid, parseStatsRange } from './console-query.js';
import { statsJson } from './stats-json.js';

/** How many of the jobs failing most the dashboard lists. */
const FAILING_MOST = 5;

export function consoleRoutes({ store, timeZone, now = Date.now }: { store: Store; timeZone: string; now?: () => number }): Hono {
  const app = new Hono();

  app.get('/stats', async (c) => {
    const { since, until } = parseStatsRange(c.req.query(), now());
    const previousSince = since - (until - since);
    const offsetMs = offsetAt(timeZone, until);
    const stats = await store.runStats({ since, until, previousSince, dayOffsetMs: offsetMs, failingLimit: FAILING_MOST });
    return c.json(statsJson(stats, { since, until, previousSince, offsetMs, timeZone }));
  });

  app.post('/schedule/preview', async (c) => {
    const body = await readObject(c);
    const { n: rawN, ...fields } = body;
    let n = 5;
    if (rawN !== undefined) {
      if (typeof rawN !== 'number' || !Number.isInteger(rawN) || rawN < 1 || rawN > MAX_UPCOMING) {
        throw invalid('n', `n must be a whole number from 1 to ${MAX_UPCOMING}`);
      }
      n = rawN;
    }
    for (const key of Object.keys(fields)) {
      if (key !== 'interval' && key !== 'cron' && key !== 'timezone') throw invalid(key, `unknown field "${key}"`);
    }
    const parsed = parseJobFields(fields, 'update');
    if (!parsed.ok) throw invalid(parsed.field, parsed.message);
    const schedule = { interval: parsed.value.interval ?? null, cron: parsed.value.cron ?? null, timezone: parsed.value.timezone ?? null };
    if (schedule.interval === null && schedule.cron === null) throw invalid('interval', 'give either interval (seconds) or cron');
    const zone = schedule.timezone ?? timeZone;
    const slots = previewSlots(schedule, now(), n, timeZone);
    return c.json({ timezone: zone, slots: slots.map((at) => new Date(at).toISOString()) });
  });

  return app;
}
