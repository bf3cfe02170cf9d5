/** `/api/v1/periods`: time periods (SPEC §12), their openings and a preview of an unsaved one. */
import { Hono } from 'hono';
import { MAX_OPENINGS, type PeriodService } from '../periods/period-service.js';
import { parsePeriodFields } from '../periods/period-input.js';
import type { Period } from '../periods/types.js';
import type { Interval } from '../scheduler/period-math.js';
import { OpeningsQuery, PeriodCreate, PeriodPreview, PeriodUpdate } from './contract/bodies.js';
import { validBody, validQuery } from './validate.js';
import { ApiError } from './errors.js';
import { iso } from './serialize.js';

export interface PeriodsRoutesOptions {
  periods: PeriodService;
}

export function periodJson(period: Period) {
  return {
    name: period.name,
    description: period.description,
    timezone: period.timezone,
    ranges: period.ranges,
    exclude: period.exclude,
    owner: period.owner,
    createdAt: iso(period.createdAt),
    updatedAt: iso(period.updatedAt),
  };
}

const intervalJson = (interval: Interval) => ({ from: iso(interval.from), to: iso(interval.to) });

export function periodsRoutes({ periods }: PeriodsRoutesOptions): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json((await periods.list()).map(periodJson)));

  app.post('/', async (c) => {
    const fields = parsePeriodFields(await validBody(c, PeriodCreate), 'create');
    if (!fields.ok) throw invalid(fields);
    return c.json(periodJson(await periods.create(fields.value)), 201);
  });

  app.post('/preview', async (c) => {
    const { n = 10, ...body } = await validBody(c, PeriodPreview);
    const fields = parsePeriodFields({ name: 'preview', ...body }, 'create');
    if (!fields.ok) throw invalid(fields);
    return c.json((await periods.preview(fields.value, n)).map(intervalJson));
  });

  app.get('/:name', async (c) => c.json(periodJson(await periods.get(c.req.param('name')))));

  app.put('/:name', async (c) => {
    const fields = parsePeriodFields(await validBody(c, PeriodUpdate), 'update');
    if (!fields.ok) throw invalid(fields);
    return c.json(periodJson(await periods.update(c.req.param('name'), fields.value)));
  });

  app.delete('/:name', async (c) => {
    const name = c.req.param('name');
    await periods.remove(name);
    return c.json({ deleted: name });
  });

  app.get('/:name/openings', async (c) => {
    const { n: raw } = validQuery(c, OpeningsQuery);
    const n = count(raw === undefined ? undefined : Number(raw), 'n');
    return c.json((await periods.openings(c.req.param('name'), n)).map(intervalJson));
  });

  return app;
}

/** `n`: 1 to MAX_OPENINGS, default 10. */
function count(value: unknown, field: string): number {
  if (value === undefined) return 10;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_OPENINGS) {
    throw new ApiError(422, 'invalid', `${field} must be a whole number from 1 to ${MAX_OPENINGS}`, { field });
  }
  return value;
}

function invalid(result: { field: string; message: string }): ApiError {
  return new ApiError(422, 'invalid', result.message, { field: result.field });
}
