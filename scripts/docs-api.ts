/** `npm run docs:api`: rewrites docs/API.md from the service's OpenAPI document. */
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../service/api/contract/openapi.js';
import { VERSION } from '../service/main.js';
import { apiReference } from './api-reference.js';

await writeFile(new URL('../docs/API.md', import.meta.url), apiReference(openApiDocument(VERSION)));
