/**
 * docs/API.md is made from the OpenAPI document (`npm run docs:api`); this fails when the page no
 * longer says what the document says, so a change to the API's schemas ships with its page.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { openApiDocument } from '../../service/api/contract/openapi.js';
import { VERSION } from '../../service/main.js';
import { apiReference } from '../../scripts/api-reference.js';

describe('the API reference page', () => {
  it('is the page the OpenAPI document makes (run npm run docs:api after changing the API)', async () => {
    const page = await readFile(new URL('../../docs/API.md', import.meta.url), 'utf8');
    assert.ok(page === apiReference(openApiDocument(VERSION)), 'docs/API.md is stale: run `npm run docs:api`');
  });

  it('has a section for every operation and every schema of the document', () => {
    const document = openApiDocument(VERSION);
    const page = apiReference(document);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of ['get', 'post', 'put', 'delete'] as const) {
        if (item[method]) assert.ok(page.includes(`### ${method.toUpperCase()} \`${path}\``), `${method} ${path}`);
      }
    }
    for (const name of Object.keys(document.components?.schemas ?? {})) assert.ok(page.includes(`### ${name}\n`), name);
  });
});
