/**
 * `/api/v1/secrets`: set, list and delete secrets. Values go in and never come out: the list has
 * names, when and by whom each was last set, and nothing else.
 */
import { Hono } from 'hono';

import { parseSecretInput } from '../secrets/secret-input.js';
import type { SecretInfo, SecretStore } from '../secrets/secret-store.js';
import { actorOf } from './actor.js';
import { SecretSet } from './contract/bodies.js';
import { validBody } from './validate.js';
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
    const input = parseSecretInput(c.req.param('name'), await validBody(c, SecretSet));
    if (!input.ok) throw new ApiError(422, 'invalid', input.message, { field: input.field });
    return c.json(secretJson(await secrets.set(input.value.name, input.value.value, actorOf(c))));
  });

  app.delete('/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await secrets.delete(name))) throw new ApiError(404, 'not_found', `no secret named "${name}"`);
    return c.json({ deleted: name });
  });

  return app;
}
