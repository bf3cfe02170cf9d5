/**
 * The SQLite schema as a list of versioned steps. The file's `user_version` records the last step
 * applied; opening applies the missing ones, each in its own transaction together with the new
 * `user_version`, so a crash mid-migration leaves the previous version intact. A later schema
 * change is a new entry at the end: never edit an entry that has shipped.
 */
import type { Database } from 'better-sqlite3';

import { rebuildRollups, rollupTables, SQLITE_ROLLUPS } from '../run-rollups.js';
import { StoreError } from '../errors.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs, code versions, runs, settings, sessions, data, alerts',
    sql: `
      CREATE TABLE jobs (
        name              TEXT PRIMARY KEY,
        description       TEXT NOT NULL,
        interval          INTEGER,
        cron              TEXT,
        timezone          TEXT,
        run_once          INTEGER NOT NULL,
        active            INTEGER NOT NULL,
        timeout           INTEGER NOT NULL,
        missed            TEXT NOT NULL,
        on_error          TEXT NOT NULL,
        notify            TEXT,
        status            TEXT NOT NULL,
        next_run_at       INTEGER,
        last_run_at       INTEGER,
        last_scheduled_at INTEGER,
        last_result       TEXT,
        last_error        TEXT,
        failing           INTEGER NOT NULL,
        path              TEXT NOT NULL,
        version           INTEGER NOT NULL,
        owner             TEXT NOT NULL,
        source_hash       TEXT,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      );

      CREATE TABLE code_versions (
        job      TEXT NOT NULL REFERENCES jobs (name) ON DELETE CASCADE,
        version  INTEGER NOT NULL,
        code     TEXT NOT NULL,
        saved_at INTEGER NOT NULL,
        PRIMARY KEY (job, version)
      ) WITHOUT ROWID;

      -- AUTOINCREMENT: a pruned or deleted run's id is never handed out again, so "before = id"
      -- paging and links to old runs never point at a different run.
      CREATE TABLE runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        job           TEXT NOT NULL REFERENCES jobs (name) ON DELETE CASCADE,
        trigger       TEXT NOT NULL,
        scheduled_at  INTEGER,
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER,
        duration_ms   INTEGER,
        result        TEXT,
        outcome       TEXT NOT NULL,
        error         TEXT,
        logs          TEXT NOT NULL,
        code_version  INTEGER
      );
      CREATE INDEX runs_by_job ON runs (job, id);
      CREATE INDEX runs_running ON runs (outcome) WHERE outcome = 'running';

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );

      -- seq keeps creation order, the default order of a data page; a replace keeps its seq.
      CREATE TABLE data (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        id     TEXT NOT NULL,
        value  TEXT NOT NULL,
        UNIQUE (source, id)
      );

      CREATE TABLE alerts (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        job        TEXT NOT NULL REFERENCES jobs (name) ON DELETE CASCADE,
        event      TEXT NOT NULL,
        channel    TEXT NOT NULL,
        target     TEXT NOT NULL,
        state      TEXT NOT NULL,
        attempts   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX alerts_by_job ON alerts (job, id);
    `,
  },
  {
    version: 2,
    description: 'core.data owners, for the per-job quota',
    sql: `
      -- The job that last saved each object and the object's size; a job's usage is its sum.
      -- Objects saved before this step have no owner and count against no quota.
      CREATE TABLE data_owners (
        source TEXT NOT NULL,
        id     TEXT NOT NULL,
        job    TEXT NOT NULL,
        bytes  INTEGER NOT NULL,
        PRIMARY KEY (source, id)
      );
      CREATE INDEX data_owners_by_job ON data_owners (job, bytes);
      `,
    },
  {
    version: 3,
    description: 'time periods, and the period a job is limited to',
    sql: `
      CREATE TABLE periods (
        name        TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        timezone    TEXT,
        ranges      TEXT NOT NULL,
        exclude     TEXT NOT NULL,
        owner       TEXT NOT NULL,
        source_hash TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      ALTER TABLE jobs ADD COLUMN period TEXT;
    `,
  },
  {
    version: 4,
    description: 'runs: queued, started, waited, took',
    sql: `
      -- The time a run was taken up (written before anything else) keeps the column's old values;
      -- the true start of the code and the wait for a sandbox thread are written with the run's end.
      ALTER TABLE runs RENAME COLUMN started_at TO queued_at;
      ALTER TABLE runs ADD COLUMN started_at INTEGER;
      ALTER TABLE runs ADD COLUMN wait_ms INTEGER;
      -- Older runs were stamped before they waited: their start is their queueing, their wait
      -- their lateness behind the slot.
      UPDATE runs SET started_at = queued_at,
        wait_ms = CASE WHEN scheduled_at IS NULL THEN 0 ELSE max(0, queued_at - scheduled_at) END
      WHERE outcome <> 'running';
    `,
  },
  {
    version: 5,
    description: 'slot claims, one run in flight per job, the node of each run',
    // The SQLite store serves one node (its file is locked to one process); it keeps the same
    // claim rules as the MySQL store all the same, so both answer a start alike.
    sql: `
      ALTER TABLE runs ADD COLUMN node TEXT;
      DELETE FROM runs WHERE scheduled_at IS NOT NULL AND id > (
        SELECT min(id) FROM runs first WHERE first.job = runs.job AND first.scheduled_at = runs.scheduled_at);
      UPDATE runs SET outcome = 'interrupted', finished_at = queued_at,
        error = '{"message":"another run of this job was in flight"}'
      WHERE outcome = 'running' AND id < (SELECT max(id) FROM runs newer WHERE newer.job = runs.job AND newer.outcome = 'running');
      CREATE UNIQUE INDEX runs_slot ON runs (job, scheduled_at);
      CREATE UNIQUE INDEX runs_in_flight ON runs (job) WHERE outcome = 'running';
    `,
  },
  {
    version: 6,
    description: 'secrets (encrypted values)',
    sql: `
      CREATE TABLE secrets (
        name       TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT
      );
    `,
  },
  {
    version: 7,
    description: "the operator's console: who started, cancelled or saved; run filter indexes; rollups for the dashboard",
    sql: `
      -- 'webmin', 'token', or NULL for the scheduler (and for everything recorded before this step).
      ALTER TABLE runs ADD COLUMN run_by TEXT;
      ALTER TABLE runs ADD COLUMN cancelled_by TEXT;
      ALTER TABLE code_versions ADD COLUMN saved_by TEXT;
      -- The Runs page's filters, newest first.
      CREATE INDEX runs_by_outcome ON runs (outcome, id);
      CREATE INDEX runs_by_trigger ON runs (trigger, id);
      CREATE INDEX runs_by_queued ON runs (queued_at);
      ${[...rollupTables(SQLITE_ROLLUPS, { int: 'INTEGER', text: 'TEXT', suffix: 'WITHOUT ROWID' }), ...rebuildRollups(SQLITE_ROLLUPS)].join(';\n')};
    `,
  },
  {
    version: 8,
    description: 'job parameters, and the parameters each run ran with',
    sql: `
      -- JSON text; NULL (jobs and runs from before this step) reads as no parameters.
      ALTER TABLE jobs ADD COLUMN params TEXT;
      ALTER TABLE runs ADD COLUMN params TEXT;
    `,
  },
  {
    version: 10,
    description: 'TypeScript jobs: the language of a job; the JavaScript and source map saved with a TypeScript version',
    sql: `
      ALTER TABLE jobs ADD COLUMN language TEXT NOT NULL DEFAULT 'javascript';
      -- NULL for a JavaScript version, whose code is what runs.
      ALTER TABLE code_versions ADD COLUMN compiled TEXT;
      ALTER TABLE code_versions ADD COLUMN source_map TEXT;
    `,
  },
  {
    version: 11,
    description: 'users, roles, API tokens and the audit trail',
    sql: `
      CREATE TABLE users (
        name          TEXT PRIMARY KEY,
        role          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        last_login_at INTEGER
      );
      -- The one password there was becomes user admin's, so nobody is locked out by the upgrade.
      INSERT INTO users (name, role, password_hash, created_at)
        SELECT 'admin', 'admin', value, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM settings WHERE key = 'admin_password_hash';
      DELETE FROM settings WHERE key = 'admin_password_hash';
      -- Sessions opened before belong to admin: their cookies were signed with admin's hash.
      ALTER TABLE sessions ADD COLUMN user_name TEXT NOT NULL DEFAULT 'admin';
      CREATE INDEX sessions_by_user ON sessions (user_name);
      CREATE TABLE api_tokens (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        owner        TEXT NOT NULL,
        hash         TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER,
        expires_at   INTEGER
      );
      CREATE INDEX api_tokens_by_owner ON api_tokens (owner);
      CREATE TABLE audit (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        user    TEXT,
        via     TEXT NOT NULL,
        action  TEXT NOT NULL,
        target  TEXT,
        summary TEXT NOT NULL
      );
      CREATE INDEX audit_by_at ON audit (at);
      CREATE INDEX audit_by_user ON audit (user, id);
      CREATE INDEX audit_by_action ON audit (action, id);
      CREATE INDEX audit_by_target ON audit (target, id);
      ALTER TABLE jobs ADD COLUMN created_by TEXT;
      ALTER TABLE jobs ADD COLUMN updated_by TEXT;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Applies the steps the file has not seen yet. Resolves to the version the file is at now. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    // A newer release wrote this file; guessing at its schema could corrupt it.
    throw new StoreError(`the database is at schema version ${current}, newer than this release knows (${latest})`);
  }
  for (const step of migrations) {
    if (step.version <= current) continue;
    // IMMEDIATE takes the write lock first and the version is read again under it, so two
    // processes opening the same new file (service and CLI) never apply a step twice.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= step.version) return;
      db.exec(step.sql);
      // user_version lives in the file header, so it commits or rolls back with the step.
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
  return Math.max(current, latest);
}
