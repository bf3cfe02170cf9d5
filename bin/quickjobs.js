#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --max-old-space-size=512 --no-maglev
// The heap flags and the malloc setting (also in `npm start` and the systemd unit of
// docs/OPERATIONS.md) keep the process near what it holds alive: see "Memory" in docs/OPERATIONS.md.
// The installed command runs the build in dist/ (made by `npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/service/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('quickjobs is not built yet: run "npm run build" (npm ci and npm install do it for you).');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
