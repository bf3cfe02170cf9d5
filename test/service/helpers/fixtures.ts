/** Shared pieces of the helper suites: configs, a run context, a free port. */
import { createServer } from 'node:net';

import type { HostCallContext } from '../../../sandbox/types.js';
import { readHelperConfig, type HelperConfig } from '../../../service/helpers/config.js';
import { MYSQL_URL } from '../../helpers/require-service.js';

export function context(signal: AbortSignal = new AbortController().signal): HostCallContext {
  return { jobName: 't', signal };
}

/** A config built the way the service builds it, from environment variables. */
export function helperConfig(env: Record<string, string> = {}): HelperConfig {
  const mysql = new URL(MYSQL_URL);
  mysql.pathname = '';
  return readHelperConfig({ QUICKJOBS_MYSQL_URL: mysql.href, QUICKJOBS_MYSQL_TIMEOUT: '5', ...env });
}

/** The database the test server offers (the path of QUICKJOBS_TEST_MYSQL_URL). */
export const TEST_DATABASE = new URL(MYSQL_URL).pathname.replace(/^\//, '') || 'test';

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}
