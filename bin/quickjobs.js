#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=512
// The heap flags (also in `npm start` and the systemd unit of docs/OPERATIONS.md) keep the main
// thread's V8 heap near what it holds alive: see "Memory" in docs/OPERATIONS.md.
// The installed command runs the build in dist/ (made by `npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/service/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('quickjobs is not built yet: run "npm run build" (npm ci and npm install do it for you).');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
