/** `/api/v1/jobs`: create, read, change and delete jobs and their code; run one now. */
import { Hono } from 'hono';
import { FieldError, parseJobFields } from '../jobs/job-input.js';
import { parseParams, type JobParams } from '../jobs/params.js';
import { MAX_UPCOMING, personVia, type JobService } from '../job-service/job-service.js';
import { actorOf } from './actor.js';
import { upcomingJson } from './upcoming-json.js';
import { wholeNumber } from './console-query.js';
import { JobNotFoundError } from '../store/errors.js';
import { CodeSave, JobCreate, JobUpdate, RunNow, UpcomingQuery } from './contract/bodies.js';
import { validBody, validQuery } from './validate.js';
import { ApiError } from './errors.js';
import { alertJson, codeJson, iso, jobJson, runJson } from './serialize.js';

export interface JobsRoutesOptions {
  jobs: JobService;
}

export function jobsRoutes({ jobs }: JobsRoutesOptions): Hono {
  const app = new Hono();
  const json = (job: Parameters<typeof jobJson>[0]) => jobJson(job, jobs.isRunning(job.name), jobs.schedule(job));

  app.get('/', async (c) => c.json((await jobs.list()).map(json)));

  app.post('/', async (c) => {
    const { code = null, ...body } = await validBody(c, JobCreate);
    const fields = parseJobFields(body, 'create');
    if (!fields.ok) throw invalid(fields);
    return c.json(json(await jobs.create(fields.value, code, personVia(actorOf(c)))), 201);
  });

  app.get('/:name', async (c) => c.json(json(await jobs.get(c.req.param('name')))));

  app.put('/:name', async (c) => {
    const { code = null, ...body } = await validBody(c, JobUpdate);
    const fields = parseJobFields(body, 'update');
    if (!fields.ok) throw invalid(fields);
    return c.json(json(await jobs.update(c.req.param('name'), fields.value, code, personVia(actorOf(c)))));
  });

  app.delete('/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await jobs.remove(name))) throw new JobNotFoundError(name);
    return c.json({ deleted: name });
  });

  app.get('/:name/code', async (c) => {
    const name = c.req.param('name');
    const code = await jobs.code(name);
    if (!code) throw new JobNotFoundError(name);
    return c.json(codeJson(code));
  });

  app.put('/:name/code', async (c) => {
    const { code, baseVersion } = await validBody(c, CodeSave);
    const job = await jobs.saveCode(c.req.param('name'), code, baseVersion, personVia(actorOf(c)));
    return c.json({ version: job.version });
  });

  app.get('/:name/versions', async (c) => {
    const versions = await jobs.versions(c.req.param('name'));
    return c.json(versions.map((v) => ({ ...v, savedAt: iso(v.savedAt) })));
  });

  app.get('/:name/versions/:version', async (c) => {
    const name = c.req.param('name');
    const version = Number(c.req.param('version'));
    const code = Number.isInteger(version) ? await jobs.code(name, version) : null;
    if (!code) throw new ApiError(404, 'not_found', `job "${name}" has no version ${c.req.param('version')}`);
    return c.json(codeJson(code));
  });

  app.post('/:name/versions/:version/restore', async (c) => {
    const name = c.req.param('name');
    const raw = c.req.param('version');
    const version = Number(raw);
    if (!/^\d+$/.test(raw) || version < 1) throw new ApiError(404, 'not_found', `job "${name}" has no version ${raw}`);
    const job = await jobs.restore(name, version, personVia(actorOf(c)));
    return c.json({ version: job.version, restored: version });
  });

  app.get('/:name/upcoming', async (c) => {
    const n = wholeNumber(validQuery(c, UpcomingQuery).n, 'n', 5, 1, MAX_UPCOMING);
    const job = await jobs.get(c.req.param('name'));
    return c.json(upcomingJson(jobs.upcoming(job, n), job.timezone ?? jobs.timeZone, job.period));
  });

  app.get('/:name/alerts', async (c) => {
    return c.json((await jobs.alerts(c.req.param('name'), 50)).map(alertJson));
  });

  app.post('/:name/run', async (c) => {
    const { code, mode, params: given } = await validBody(c, RunNow);
    if (mode !== undefined && code === undefined) {
      throw new ApiError(422, 'invalid', 'mode applies to a draft (code); a run of the saved code is always live', { field: 'mode' });
    }
    const params = given === undefined ? undefined : runParams(given);
    return c.json(runJson(await jobs.runNow(c.req.param('name'), code, actorOf(c), mode, params)));
  });

  return app;
}

/** A manual run's params: merged over the job's for that run only (SPEC §13). */
function runParams(value: unknown): JobParams {
  try {
    return parseParams(value).params;
  } catch (error) {
    if (error instanceof FieldError) throw invalid(error);
    throw error;
  }
}

function invalid(result: { field: string; message: string }): ApiError {
  return new ApiError(422, 'invalid', result.message, { field: result.field });
}
