#!/usr/bin/env node
/**
 * `node --import tsx .ci/run-tests.mjs [--concurrency=N] [file...]`: runs test files with Node's
 * test runner in the order given (by default `.ci/test-files`' order, slowest first), N files at a
 * time (default 2), as TAP on stdout; exits 1 if any test failed.
 *
 * Unlike `node --test`, it keeps the order it is given and writes each file's wall time into the
 * TAP as a comment, `# file <path> duration_ms <ms>`, which .ci/file-times.mjs reads back. The
 * children inherit this process's flags (`--import tsx`) and environment (QUICKJOBS_TEST_REQUIRE).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

/**
 * What `node --test --test-timeout` gave before: on Node 20 a whole file that runs past it fails,
 * on Node 24 and later each test; either way CI fails instead of hanging.
 */
const TIMEOUT_MS = 300_000;

let concurrency = 2;
const files = [];
for (const arg of process.argv.slice(2)) {
  const match = /^--concurrency=(\d+)$/.exec(arg);
  if (match) concurrency = Number(match[1]);
  else files.push(arg);
}
if (files.length === 0) {
  const list = execFileSync(fileURLToPath(new URL('./test-files', import.meta.url)), { encoding: 'utf8' });
  files.push(...list.split('\n').filter(Boolean));
}

const byPath = new Map(files.map((file) => [resolve(file), file]));

/** The runner's events, plus a diagnostic after each file with its wall time. */
async function* withFileTimes(events) {
  for await (const event of events) {
    yield event;
    const { data } = event;
    if (event.type === 'test:complete' && data.nesting === 0 && byPath.get(resolve(data.name)) === data.name) {
      yield { type: 'test:diagnostic', data: { nesting: 0, message: `file ${data.name} duration_ms ${Math.round(data.details.duration_ms)}` } };
    }
  }
}

const stream = run({ files, concurrency, timeout: TIMEOUT_MS });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
Readable.from(tap(withFileTimes(stream))).pipe(process.stdout);
