/**
 * A finished run survives kill -9: a child process writes to the store and reports each commit;
 * the test kills it with SIGKILL mid-way and checks that the reopened file holds every reported
 * step and is consistent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';

import { SqliteStore } from '../../../service/store/sqlite-store.js';
import { endWithTests } from '../../helpers/children.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const CRASH_RUN_HISTORY = 3;
/** Enough committed steps that the kill lands in the middle of steady writing. */
const STEPS_BEFORE_KILL = 400;

const root = mkdtempSync(join(tmpdir(), 'quickjobs-crash-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the writer until it has reported `steps` lines, then SIGKILLs it; resolves to the lines. */
function writeThenKill(file: string, steps: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = endWithTests(spawn(process.execPath, ['--import', 'tsx', WRITER, file, String(CRASH_RUN_HISTORY)], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    let killed = false;
    // Generous: tsx start-up on a busy two-core machine can take several seconds.
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (!killed && lines.length >= steps) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      if (!killed) reject(new Error(`the writer ended before the kill (${code ?? signal}): ${stderr}`));
      else if (signal !== 'SIGKILL') reject(new Error(`the writer ended with ${code ?? signal}, not the kill`));
      // A line cut off by the kill was never reported whole; only whole lines count.
      else resolve(lines);
    });
  });
}

describe('the sqlite store killed with SIGKILL while writing', () => {
  it('keeps every step it reported as committed, in a consistent file', async () => {
    const file = join(root, 'crash.db');
    const lines = await writeThenKill(file, STEPS_BEFORE_KILL);
    assert.ok(lines.length >= STEPS_BEFORE_KILL);

    // The file as a reader finds it after the crash: whole and with no dangling rows.
    const db = new Database(file);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    db.close();

    const store = SqliteStore.open({ file, runHistory: CRASH_RUN_HISTORY });
    try {
      const reportedJobs = new Set<string>();
      const busyRuns: number[] = [];
      for (const line of lines) {
        const [kind, name, a, b] = line.split(' ');
        assert.ok(name !== undefined, `line "${line}"`);
        if (kind === 'job') {
          reportedJobs.add(name);
          assert.ok(await store.getJob(name), `job ${name} was reported created`);
        } else if (kind === 'code') {
          assert.equal((await store.getCode(name, Number(a)))?.code, `// v2 of ${name}`);
          assert.equal((await store.getJob(name))?.owner, 'user', `the patch saved with ${name}'s code`);
        } else if (kind === 'run' && name === 'busy') {
          busyRuns.push(Number(a));
        } else if (kind === 'run') {
          const run = await store.getRun(Number(a));
          assert.equal(run?.outcome, 'success', `run ${a} of ${name} was reported finished`);
          assert.equal(run.finishedAt, Number(b));
          assert.equal((await store.getJob(name))?.lastRunAt, run.finishedAt, `the job patch of run ${a}`);
        } else {
          assert.fail(`unexpected line "${line}"`);
        }
      }
      assert.ok(reportedJobs.size > 10, `only ${reportedJobs.size} jobs were reported`);

      // The last reported busy run is kept (pruning keeps the newest), and the job points at it.
      const lastBusy = await store.getRun(busyRuns.at(-1)!);
      assert.equal(lastBusy?.outcome, 'success');
      const busyKept = await store.listRuns({ job: 'busy', limit: 1000 });
      assert.ok(busyKept.filter((run) => run.outcome !== 'running').length <= CRASH_RUN_HISTORY + 1);

      // Every job in the file, reported or caught mid-way, is whole: version 1 with it, versions
      // without gaps up to the job's version.
      for (const job of await store.listJobs()) {
        const versions = (await store.listVersions(job.name)).map((v) => v.version);
        assert.deepEqual(versions, Array.from({ length: job.version }, (_, i) => job.version - i), job.name);
      }

      // At most the one run the kill caught in flight is left running, and a boot settles it.
      assert.ok((await store.interruptRunning(Date.now(), 'the service stopped')) <= 1);
      assert.deepEqual(await store.listRuns({ limit: 1000 }).then((runs) => runs.filter((r) => r.outcome === 'running')), []);
    } finally {
      await store.close();
    }
  });
});
