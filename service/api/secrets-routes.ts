/**
 * `/api/v1/secrets`: set, list and delete secrets. Values go in and never come out: the list has
 * names, when and by whom each was last set, and nothing else.
 */
import { Hono } from 'hono';

import { secretInputProblem, type SecretInfo, type SecretStore } from '../secrets/secret-store.js';
import { readObject } from './body.js';
import { ApiError } from './errors.js';
import { iso } from './serialize.js';

export interface SecretsRoutesOptions {
  secrets: SecretStore;
}

const secretJson = (info: SecretInfo) => ({ name: info.name, updatedAt: iso(info.updatedAt), updatedBy: info.updatedBy });

export function secretsRoutes({ secrets }: SecretsRoutesOptions): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json((await secrets.list()).map(secretJson)));

  app.put('/:name', async (c) => {
    const name = c.req.param('name');
    const body = await readObject(c);
    for (const key of Object.keys(body)) {
      if (key !== 'value') throw new ApiError(422, 'invalid', `unknown field "${key}"`, { field: key });
    }
    const problem = secretInputProblem(name, body.value);
    if (problem) throw new ApiError(422, 'invalid', problem.message, { field: problem.field });
    // Who, as far as the API can tell: the bearer token, or a webmin session.
    const by = c.req.header('authorization')?.startsWith('Bearer ') ? 'token' : 'webmin';
    return c.json(secretJson(await secrets.set(name, body.value as string, by)));
  });

  app.delete('/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await secrets.delete(name))) throw new ApiError(404, 'not_found', `no secret named "${name}"`);
    return c.json({ deleted: name });
  });

  return app;
}
