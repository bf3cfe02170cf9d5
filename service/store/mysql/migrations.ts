/**
 * The MySQL schema as versioned steps, recorded in `quickjobs_schema` (one row per applied step).
 *
 * MySQL commits every DDL statement on its own, so a step cannot be one transaction as in SQLite.
 * Instead the whole migration runs under a named server lock (GET_LOCK), so two nodes starting
 * at once take turns and the second finds the work done; and each statement of a step is safe to
 * run again (CREATE TABLE IF NOT EXISTS), so a node that died halfway through a step finishes it
 * on its next start. A later schema change is a new entry at the end: never edit a shipped one.
 */
import type { Pool, PoolConnection } from 'mysql2/promise';

import { StoreError } from '../errors.js';
import { MYSQL_ROLLUPS, rebuildRollups, rollupTables } from '../run-rollups.js';
import { execute, selectRows } from './sql.js';

export interface MysqlMigration {
  version: number;
  description: string;
  /**
   * One statement each (the pool does not allow several per query). A statement that cannot be
   * run twice (an ALTER) names the column whose presence shows it is done.
   */
  statements: Array<string | { sql: string; unlessColumn: [table: string, column: string] }>;
}

/** InnoDB for transactions and foreign keys; binary collation so names compare as SQLite does. */
const TABLE_OPTIONS = 'ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin';

export const MYSQL_MIGRATIONS: readonly MysqlMigration[] = [
  {
    version: 1,
    description: 'jobs, code versions, runs, settings, sessions, data, alerts',
    statements: [
      // Times are epoch milliseconds (BIGINT), booleans 0/1, nested values JSON text: the same
      // values the SQLite store keeps, so both share one row mapping.
      `CREATE TABLE IF NOT EXISTS quickjobs_jobs (
        name              VARCHAR(64) NOT NULL,
        description       TEXT NOT NULL,
        \`interval\`        INT NULL,
        cron              VARCHAR(255) NULL,
        timezone          VARCHAR(64) NULL,
        run_once          TINYINT NOT NULL,
        active            TINYINT NOT NULL,
        timeout           INT NOT NULL,
        missed            VARCHAR(16) NOT NULL,
        on_error          VARCHAR(16) NOT NULL,
        notify            TEXT NULL,
        status            VARCHAR(16) NOT NULL,
        next_run_at       BIGINT NULL,
        last_run_at       BIGINT NULL,
        last_scheduled_at BIGINT NULL,
        last_result       VARCHAR(16) NULL,
        last_error        MEDIUMTEXT NULL,
        failing           TINYINT NOT NULL,
        path              VARCHAR(1024) NOT NULL,
        version           INT NOT NULL,
        owner             VARCHAR(16) NOT NULL,
        source_hash       VARCHAR(128) NULL,
        created_at        BIGINT NOT NULL,
        updated_at        BIGINT NOT NULL,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS quickjobs_code_versions (
        job      VARCHAR(64) NOT NULL,
        version  INT NOT NULL,
        code     MEDIUMTEXT NOT NULL,
        saved_at BIGINT NOT NULL,
        PRIMARY KEY (job, version),
        CONSTRAINT quickjobs_code_versions_job FOREIGN KEY (job) REFERENCES quickjobs_jobs (name) ON DELETE CASCADE
      ) ${TABLE_OPTIONS}`,
      // InnoDB keeps the AUTO_INCREMENT counter across restarts (MySQL 8, MariaDB 10.2.4+), so a
      // pruned run's id is never handed out again and "before = id" paging stays true.
      `CREATE TABLE IF NOT EXISTS quickjobs_runs (
        id           BIGINT NOT NULL AUTO_INCREMENT,
        job          VARCHAR(64) NOT NULL,
        \`trigger\`    VARCHAR(16) NOT NULL,
        scheduled_at BIGINT NULL,
        started_at   BIGINT NOT NULL,
        finished_at  BIGINT NULL,
        duration_ms  BIGINT NULL,
        result       VARCHAR(16) NULL,
        outcome      VARCHAR(16) NOT NULL,
        error        MEDIUMTEXT NULL,
        logs         MEDIUMTEXT NOT NULL,
        code_version INT NULL,
        PRIMARY KEY (id),
        KEY quickjobs_runs_by_job (job, id),
        KEY quickjobs_runs_by_outcome (outcome),
        CONSTRAINT quickjobs_runs_job FOREIGN KEY (job) REFERENCES quickjobs_jobs (name) ON DELETE CASCADE
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS quickjobs_settings (
        name  VARCHAR(255) NOT NULL,
        value MEDIUMTEXT NOT NULL,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS quickjobs_sessions (
        id         VARCHAR(255) NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (id),
        KEY quickjobs_sessions_by_expiry (expires_at)
      ) ${TABLE_OPTIONS}`,
      // seq keeps creation order, the default order of a data page; an upsert keeps its seq.
      `CREATE TABLE IF NOT EXISTS quickjobs_data (
        seq    BIGINT NOT NULL AUTO_INCREMENT,
        source VARCHAR(255) NOT NULL,
        id     VARCHAR(255) NOT NULL,
        value  LONGTEXT NOT NULL,
        PRIMARY KEY (seq),
        UNIQUE KEY quickjobs_data_by_id (source, id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS quickjobs_alerts (
        id         BIGINT NOT NULL AUTO_INCREMENT,
        job        VARCHAR(64) NOT NULL,
        event      VARCHAR(32) NOT NULL,
        channel    VARCHAR(16) NOT NULL,
        target     TEXT NOT NULL,
        state      VARCHAR(16) NOT NULL,
        attempts   MEDIUMTEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (id),
        KEY quickjobs_alerts_by_job (job, id),
        CONSTRAINT quickjobs_alerts_job FOREIGN KEY (job) REFERENCES quickjobs_jobs (name) ON DELETE CASCADE
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 2,
    description: 'core.data owners, for the per-job quota',
    statements: [
      // The job that last saved each object and the object's size; a job's usage is its sum.
      // Objects saved before this step have no owner and count against no quota.
      `CREATE TABLE IF NOT EXISTS quickjobs_data_owners (
        source VARCHAR(255) NOT NULL,
        id     VARCHAR(255) NOT NULL,
        job    VARCHAR(64) NOT NULL,
        bytes  BIGINT NOT NULL,
        PRIMARY KEY (source, id),
        KEY quickjobs_data_owners_by_job (job, bytes)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 3,
    description: 'time periods, and the period a job is limited to',
    statements: [
      `CREATE TABLE IF NOT EXISTS quickjobs_periods (
        name        VARCHAR(64) NOT NULL,
        description TEXT NOT NULL,
        timezone    VARCHAR(64) NULL,
        ranges      MEDIUMTEXT NOT NULL,
        exclude     TEXT NOT NULL,
        owner       VARCHAR(16) NOT NULL,
        source_hash VARCHAR(128) NULL,
        created_at  BIGINT NOT NULL,
        updated_at  BIGINT NOT NULL,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`,
      // MySQL 8 has no ADD COLUMN IF NOT EXISTS: skipped when a node that died after it comes back.
      { sql: 'ALTER TABLE quickjobs_jobs ADD COLUMN period VARCHAR(64) NULL', unlessColumn: ['quickjobs_jobs', 'period'] },
    ],
  },
  {
    version: 4,
    description: 'runs: queued, started, waited, took',
    statements: [
      // One ALTER, so it is done whole or not at all; skipped when a node that died after it
      // comes back. The time a run was taken up keeps the column's old values; the true start of
      // the code and the wait for a sandbox thread are written with the run's end.
      {
        sql: `ALTER TABLE quickjobs_runs
          CHANGE started_at queued_at BIGINT NOT NULL,
          ADD COLUMN started_at BIGINT NULL AFTER queued_at,
          ADD COLUMN wait_ms BIGINT NULL AFTER finished_at`,
        unlessColumn: ['quickjobs_runs', 'queued_at'],
      },
      // Older runs were stamped before they waited: their start is their queueing, their wait
      // their lateness behind the slot.
      `UPDATE quickjobs_runs SET started_at = queued_at,
        wait_ms = CASE WHEN scheduled_at IS NULL THEN 0 ELSE GREATEST(0, queued_at - scheduled_at) END
      WHERE outcome <> 'running' AND wait_ms IS NULL`,
    ],
  },
  {
    version: 5,
    description: 'nodes: slot claims, one run in flight per job, the node of each run, heartbeats, the change feed',
    statements: [
      // Slots run twice before this step keep their first run: the unique key below is the claim
      // that makes a second one impossible from now on.
      `DELETE later FROM quickjobs_runs later JOIN quickjobs_runs first
         ON later.job = first.job AND later.scheduled_at = first.scheduled_at AND later.id > first.id`,
      // A job never had two runs in flight before either; should it have, only the newest stays.
      `UPDATE quickjobs_runs older JOIN quickjobs_runs newer
         ON older.job = newer.job AND older.id < newer.id AND newer.outcome = 'running'
       SET older.outcome = 'interrupted', older.finished_at = older.queued_at,
         older.error = '{"message":"another run of this job was in flight"}'
       WHERE older.outcome = 'running'`,
      // One ALTER, done whole or not at all. The two unique keys are the claim (SPEC §8): a slot
      // (job, scheduled_at) is recorded once, and a job has at most one run in flight on any node
      // (in_flight_job is the job's name while the run is in flight, NULL after; NULLs never collide).
      {
        sql: `ALTER TABLE quickjobs_runs
          ADD COLUMN node VARCHAR(255) NULL,
          ADD COLUMN in_flight_job VARCHAR(64) AS (IF(outcome = 'running', job, NULL)) STORED,
          ADD UNIQUE KEY quickjobs_runs_slot (job, scheduled_at),
          ADD UNIQUE KEY quickjobs_runs_in_flight (in_flight_job),
          ADD KEY quickjobs_runs_by_node (node, outcome)`,
        unlessColumn: ['quickjobs_runs', 'node'],
      },
      // heartbeat_at is the server's clock (NOW(6)): liveness is judged in SQL, never by a node's clock.
      `CREATE TABLE IF NOT EXISTS quickjobs_nodes (
        id           VARCHAR(255) NOT NULL,
        epoch        BIGINT NOT NULL,
        alive        TINYINT NOT NULL,
        started_at   BIGINT NOT NULL,
        heartbeat_at DATETIME(6) NOT NULL,
        jobs         INT NOT NULL DEFAULT 0,
        running      INT NOT NULL DEFAULT 0,
        PRIMARY KEY (id)
      ) ${TABLE_OPTIONS}`,
      // One row: the cluster's generation (bumped by each cluster start) and the change feed's
      // counter, taken as the last step of a change's transaction so the feed is in commit order.
      `CREATE TABLE IF NOT EXISTS quickjobs_cluster (
        id         TINYINT NOT NULL,
        generation BIGINT NOT NULL,
        change_seq BIGINT NOT NULL,
        PRIMARY KEY (id)
      ) ${TABLE_OPTIONS}`,
      'INSERT IGNORE INTO quickjobs_cluster (id, generation, change_seq) VALUES (1, 0, 0)',
      `CREATE TABLE IF NOT EXISTS quickjobs_changes (
        seq  BIGINT NOT NULL,
        kind VARCHAR(16) NOT NULL,
        job  VARCHAR(64) NULL,
        node VARCHAR(255) NOT NULL,
        at   BIGINT NOT NULL,
        PRIMARY KEY (seq)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 6,
    description: 'secrets (encrypted values)',
    statements: [
      `CREATE TABLE IF NOT EXISTS quickjobs_secrets (
        name       VARCHAR(64) NOT NULL,
        value      TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        updated_by VARCHAR(64) NULL,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 7,
    description: "the operator's console: who started, cancelled or saved; run filter indexes; rollups for the dashboard",
    statements: [
      // 'webmin', 'token', or NULL for the scheduler (and for everything recorded before this step).
      // One ALTER each, done whole or not at all, skipped when a node that died after it comes back.
      {
        sql: `ALTER TABLE quickjobs_runs
          ADD COLUMN run_by VARCHAR(16) NULL,
          ADD COLUMN cancelled_by VARCHAR(16) NULL,
          ADD INDEX quickjobs_runs_by_outcome_id (outcome, id),
          ADD INDEX quickjobs_runs_by_trigger (\`trigger\`, id),
          ADD INDEX quickjobs_runs_by_queued (queued_at)`,
        unlessColumn: ['quickjobs_runs', 'run_by'],
      },
      { sql: 'ALTER TABLE quickjobs_code_versions ADD COLUMN saved_by VARCHAR(16) NULL', unlessColumn: ['quickjobs_code_versions', 'saved_by'] },
      ...rollupTables(MYSQL_ROLLUPS, { int: 'BIGINT', text: 'VARCHAR(64)', suffix: TABLE_OPTIONS }),
      // Cleared first, so the backfill again after a crash does not count runs twice.
      ...rebuildRollups(MYSQL_ROLLUPS),
    ],
  },
  {
    version: 8,
    description: 'live log lines of runs watched from another node',
    statements: [
      // A node serving /runs/:id/events for a run on another node asks for its lines here; the
      // running node sees the watch and copies the run's lines while the watch lasts. until_at is
      // the server's clock, as heartbeats are.
      `CREATE TABLE IF NOT EXISTS quickjobs_run_watches (
        run_id   BIGINT NOT NULL,
        until_at DATETIME(6) NOT NULL,
        PRIMARY KEY (run_id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS quickjobs_run_lines (
        run_id BIGINT NOT NULL,
        seq    INT NOT NULL,
        entry  MEDIUMTEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 9,
    description: 'requests to cancel runs in flight on another node',
    statements: [
      // The node serving POST /runs/:id/cancel leaves a request; the node running the run reads it
      // and cancels. at is the server's clock, so a request lapses the same for every node.
      `CREATE TABLE IF NOT EXISTS quickjobs_run_cancels (
        run_id  BIGINT NOT NULL,
        by_name VARCHAR(64) NULL,
        at      DATETIME(6) NOT NULL,
        PRIMARY KEY (run_id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 10,
    description: 'the connections of each node',
    statements: [
      // The node that finds another dead ends that node's connections, whose open transactions
      // would otherwise hold their locks until it wakes (service/cluster/node-connections.ts).
      `CREATE TABLE IF NOT EXISTS quickjobs_node_connections (
        conn_id BIGINT NOT NULL,
        node    VARCHAR(255) NOT NULL,
        host    VARCHAR(255) NOT NULL,
        PRIMARY KEY (conn_id),
        KEY by_node (node)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 11,
    description: 'job parameters, and the parameters each run ran with',
    statements: [
      // JSON text; NULL (jobs and runs from before this step) reads as no parameters.
      { sql: 'ALTER TABLE quickjobs_jobs ADD COLUMN params MEDIUMTEXT NULL', unlessColumn: ['quickjobs_jobs', 'params'] },
      { sql: 'ALTER TABLE quickjobs_runs ADD COLUMN params MEDIUMTEXT NULL', unlessColumn: ['quickjobs_runs', 'params'] },
    ],
  },
  {
    version: 12,
    description: 'TypeScript jobs: the language of a job; the JavaScript and source map saved with a TypeScript version',
    statements: [
      {
        sql: "ALTER TABLE quickjobs_jobs ADD COLUMN language VARCHAR(16) NOT NULL DEFAULT 'javascript'",
        unlessColumn: ['quickjobs_jobs', 'language'],
      },
      // NULL for a JavaScript version, whose code is what runs.
      {
        sql: 'ALTER TABLE quickjobs_code_versions ADD COLUMN compiled MEDIUMTEXT NULL, ADD COLUMN source_map MEDIUMTEXT NULL',
        unlessColumn: ['quickjobs_code_versions', 'compiled'],
      },
    ],
  },
  {
    version: 13,
    description: 'users, roles, API tokens and the audit trail',
    statements: [
      `CREATE TABLE IF NOT EXISTS quickjobs_users (
        name          VARCHAR(64) NOT NULL,
        role          VARCHAR(16) NOT NULL,
        password_hash VARCHAR(255) NOT NULL,
        created_at    BIGINT NOT NULL,
        last_login_at BIGINT NULL,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`,
      // The one password there was becomes user admin's, so nobody is locked out by the upgrade.
      `INSERT IGNORE INTO quickjobs_users (name, role, password_hash, created_at)
        SELECT 'admin', 'admin', value, UNIX_TIMESTAMP() * 1000 FROM quickjobs_settings WHERE name = 'admin_password_hash'`,
      // Sessions opened before belong to admin: their cookies were signed with admin's hash.
      {
        sql: `ALTER TABLE quickjobs_sessions ADD COLUMN user_name VARCHAR(64) NOT NULL DEFAULT 'admin', ADD INDEX quickjobs_sessions_by_user (user_name)`,
        unlessColumn: ['quickjobs_sessions', 'user_name'],
      },
      `CREATE TABLE IF NOT EXISTS quickjobs_api_tokens (
        id           VARCHAR(32) NOT NULL,
        name         VARCHAR(100) NOT NULL,
        owner        VARCHAR(64) NOT NULL,
        hash         CHAR(64) NOT NULL,
        created_at   BIGINT NOT NULL,
        last_used_at BIGINT NULL,
        expires_at   BIGINT NULL,
        PRIMARY KEY (id),
        INDEX quickjobs_api_tokens_by_owner (owner)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS quickjobs_audit (
        id      BIGINT NOT NULL AUTO_INCREMENT,
        at      BIGINT NOT NULL,
        user    VARCHAR(64) NULL,
        via     VARCHAR(16) NOT NULL,
        action  VARCHAR(64) NOT NULL,
        target  VARCHAR(255) NULL,
        summary TEXT NOT NULL,
        PRIMARY KEY (id),
        INDEX quickjobs_audit_by_at (at),
        INDEX quickjobs_audit_by_user (user, id),
        INDEX quickjobs_audit_by_action (action, id),
        INDEX quickjobs_audit_by_target (target, id)
      ) ${TABLE_OPTIONS}`,
      {
        sql: 'ALTER TABLE quickjobs_jobs ADD COLUMN created_by VARCHAR(64) NULL, ADD COLUMN updated_by VARCHAR(64) NULL',
        unlessColumn: ['quickjobs_jobs', 'created_by'],
      },
      // `by` is now a user's name, longer than 'webmin' or 'token'. Widening twice is harmless.
      'ALTER TABLE quickjobs_runs MODIFY run_by VARCHAR(64) NULL, MODIFY cancelled_by VARCHAR(64) NULL',
      'ALTER TABLE quickjobs_code_versions MODIFY saved_by VARCHAR(64) NULL',
      // Moved into quickjobs_users above; deleted last, so a node that died halfway copies it again.
      `DELETE FROM quickjobs_settings WHERE name = 'admin_password_hash'`,
    ],
  },
  {
    version: 14,
    description: 'whether each node is ready to run its share',
    statements: [
      // A node joins before its scheduler runs (it must know first whether it starts the
      // cluster), and stops running its share before it leaves; only ready nodes are given jobs.
      { sql: 'ALTER TABLE quickjobs_nodes ADD COLUMN ready TINYINT NOT NULL DEFAULT 1', unlessColumn: ['quickjobs_nodes', 'ready'] },
    ],
  },
];

export const MYSQL_SCHEMA_VERSION = MYSQL_MIGRATIONS[MYSQL_MIGRATIONS.length - 1]!.version;

/** How long a node waits for another node's migration before giving up. */
const LOCK_WAIT_SECONDS = 60;

/**
 * Applies the steps the database has not seen yet, under a server lock named after the database
 * (lock names are server-wide; another quickjobs database on the same server is not held up).
 * Resolves to the version the database is at now.
 */
export async function migrateMysql(
  pool: Pool,
  database: string,
  migrations: readonly MysqlMigration[] = MYSQL_MIGRATIONS,
): Promise<number> {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  // GET_LOCK belongs to a connection, so the whole migration keeps one.
  const connection = await pool.getConnection();
  // Lock names are at most 64 characters.
  const lockName = `quickjobs_schema:${database}`.slice(0, 64);
  try {
    // The statement waits up to LOCK_WAIT_SECONDS for another node's migration, which on a busy
    // server takes longer than an ordinary statement's timeout.
    const [lock] = await selectRows<{ granted: number | null }>(
      connection,
      'SELECT GET_LOCK(?, ?) AS granted',
      [lockName, LOCK_WAIT_SECONDS],
      (LOCK_WAIT_SECONDS + 5) * 1000,
    );
    if (lock?.granted !== 1) {
      throw new StoreError(
        `another node held the schema lock "${lockName}" for ${LOCK_WAIT_SECONDS} s; is a migration stuck?`,
      );
    }
    try {
      return await applyMissing(connection, migrations, latest);
    } finally {
      await selectRows(connection, 'SELECT RELEASE_LOCK(?)', [lockName]);
    }
  } finally {
    connection.release();
  }
}

async function applyMissing(connection: PoolConnection, migrations: readonly MysqlMigration[], latest: number): Promise<number> {
  await execute(
    connection,
    `CREATE TABLE IF NOT EXISTS quickjobs_schema (
      version     INT NOT NULL,
      description VARCHAR(255) NOT NULL,
      applied_at  BIGINT NOT NULL,
      PRIMARY KEY (version)
    ) ${TABLE_OPTIONS}`,
  );
  const [row] = await selectRows<{ current: number | null }>(connection, 'SELECT MAX(version) AS current FROM quickjobs_schema');
  const current = row?.current ?? 0;
  if (current > latest) {
    // A newer release wrote this database; guessing at its schema could corrupt it.
    throw new StoreError(`the database is at schema version ${current}, newer than this release knows (${latest})`);
  }
  for (const step of migrations) {
    if (step.version <= current) continue;
    for (const statement of step.statements) {
      if (typeof statement === 'string') {
        await execute(connection, statement, [], null);
        continue;
      }
      const [table, column] = statement.unlessColumn;
      const done = await selectRows(
        connection,
        'SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
        [table, column],
      );
      if (done.length === 0) await execute(connection, statement.sql, [], null);
    }
    await execute(connection, 'INSERT INTO quickjobs_schema (version, description, applied_at) VALUES (?, ?, ?)', [
      step.version,
      step.description,
      Date.now(),
    ]);
  }
  return Math.max(current, latest);
}
