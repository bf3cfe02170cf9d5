/**
 * Imports run one way, down the layers docs/ARCHITECTURE.md draws: entry points → api → jobs
 * service → scheduler, runs, helpers → store → the job model → sandbox. A file may import its own
 * layer and the ones below it; an import that runs back up fails here, naming the file and the line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Top layer first; each entry is a path prefix under the repository. */
const LAYERS: Array<{ name: string; paths: string[] }> = [
  { name: 'entry points', paths: ['service/main.ts', 'service/node-store.ts', 'service/cli.ts', 'service/cli/', 'service/shutdown.ts'] },
  { name: 'api', paths: ['service/app.ts', 'service/api/'] },
  { name: 'jobs service', paths: ['service/job-service/', 'service/bootstrap/', 'service/periods/period-service.ts', 'service/periods/period-input.ts'] },
  {
    name: 'scheduler, runs, helpers',
    paths: ['service/scheduler/', 'service/cluster/', 'service/runs/', 'service/helpers/', 'service/alerts/', 'service/metrics/', 'service/events/', 'service/auth/', 'service/secrets/', 'service/users/user-cli.ts', 'service/users/audit-retention.ts'],
  },
  { name: 'store', paths: ['service/store/'] },
  { name: 'job model', paths: ['service/jobs/', 'service/users/', 'service/periods/types.ts', 'service/periods/errors.ts', 'service/config.ts', 'service/config-error.ts', 'service/log.ts'] },
  { name: 'sandbox', paths: ['sandbox/'] },
];

function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) => layer.paths.some((path) => file === path || (path.endsWith('/') && file.startsWith(path))));
  if (index < 0) assert.fail(`${file} belongs to no layer; add its folder to LAYERS and to docs/ARCHITECTURE.md`);
  return index;
}

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(folder, name));
}

/** Every relative `import … from`, `export … from` and `import(…)` of a file, with its line. */
function importsOf(file: string): Array<{ target: string; line: number }> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: Array<{ target: string; line: number }> = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), match[1]!)).replace(/\.js$/, '.ts');
    found.push({ target, line: text.slice(0, match.index).split('\n').length });
  }
  return found;
}

describe('the import graph of service/ and sandbox/', () => {
  const files = [...sources('service'), ...sources('sandbox')];

  it('has every file in a layer, and reads the imports of each', () => {
    assert.ok(files.length > 100, `found only ${files.length} files`);
    for (const file of files) layerOf(file);
    const edges = files.flatMap((file) => importsOf(file));
    assert.ok(edges.length > 300, `found only ${edges.length} imports`);
  });

  it('has no import that runs back up a layer', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const { target, line } of importsOf(file)) {
        if (!target.startsWith('service/') && !target.startsWith('sandbox/')) continue;
        const [from, to] = [layerOf(file), layerOf(target)];
        if (to < from) upward.push(`${file}:${line} (${LAYERS[from]!.name}) imports ${target} (${LAYERS[to]!.name})`);
      }
    }
    assert.deepEqual(upward, []);
  });
});
