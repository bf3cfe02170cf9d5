#!/usr/bin/env node
/**
 * `.ci/file-times.mjs <tap log>...`: each test file's wall time from the `# file <path>
 * duration_ms <ms>` comments .ci/run-tests.mjs writes, slowest first, as `<seconds>\t<path>`.
 * A file in several logs (a rerun) is given its last time. The top of this list is .ci/slow-tests:
 *
 *   .ci/file-times.mjs tap.log | head -n 30 | cut -f2 > .ci/slow-tests.new
 */
import { readFileSync } from 'node:fs';

const times = new Map();
for (const log of process.argv.slice(2)) {
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const match = /^# file (\S+) duration_ms (\d+)$/.exec(line);
    if (match) times.set(match[1], Number(match[2]));
  }
}
if (times.size === 0) {
  console.error('no "# file <path> duration_ms <ms>" lines: give a TAP log written by .ci/run-tests.mjs');
  process.exit(1);
}
for (const [file, ms] of [...times].sort((a, b) => b[1] - a[1])) {
  console.log(`${(ms / 1000).toFixed(1)}\t${file}`);
}
