/** Runs job scripts through the real sandbox pool with the real host handlers in its threads. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SandboxPool } from '../../../sandbox/pool.js';
import type { RunOutcome } from '../../../sandbox/types.js';
import { workerHostSpec } from '../../../service/helpers/worker-host.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import { helperConfig } from './fixtures.js';
import { startHttp, type HttpFixture } from './http-fixture.js';
import { startSmtp, type SmtpFixture } from './smtp-fixture.js';

/**
 * A pool whose threads answer with the job helpers as the service runs them (worker-host.ts, over
 * a temp SQLite store), a loopback HTTP server and an SMTP server.
 */
export interface JobWorld {
  pool: SandboxPool;
  http: HttpFixture;
  smtp: SmtpFixture;
  store: SqliteStore;
  close(): Promise<void>;
}

/** `env` adds helper settings to the world's own (loopback allowed, the SMTP server, a sender). */
export async function startJobWorld(env: Record<string, string> = {}): Promise<JobWorld> {
  const [http, smtp] = await Promise.all([startHttp(), startSmtp()]);
  const dir = mkdtempSync(join(tmpdir(), 'qj-world-'));
  const file = join(dir, 'store.db');
  const store = SqliteStore.open({ file, runHistory: 10 });
  const helpers = helperConfig({
    QUICKJOBS_NETWORK_ALLOW: '127.0.0.1',
    QUICKJOBS_SMTP_URL: smtp.url,
    QUICKJOBS_MAIL_FROM: 'jobs@example.com',
    ...env,
  });
  const pool = await SandboxPool.create({ workers: 1, host: workerHostSpec({ helpers, store: { kind: 'sqlite', file } }) });
  return {
    pool,
    http,
    smtp,
    store,
    async close() {
      await pool.dispose();
      await store.close();
      await http.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function runJob(pool: SandboxPool, code: string): Promise<RunOutcome> {
  return pool.run({
    jobName: 't',
    code,
    trigger: 'manual',
    lastRunAt: null,
    timeoutMs: 10_000,
    memoryBytes: 64 << 20,
    timeZone: 'UTC',
    logLimitBytes: 65_536,
  });
}

/** The outcome's result, or a failure that shows the run's error and log. */
export function resultOf(outcome: RunOutcome): string {
  if (outcome.outcome === 'success') return outcome.result;
  throw new Error(`run ended with ${outcome.outcome}: ${outcome.error.message}\n${outcome.logs.map((l) => l.message).join('\n')}`);
}

export function logText(outcome: RunOutcome): string {
  return outcome.logs.map((l) => `${l.level}: ${l.message}`).join('\n');
}
