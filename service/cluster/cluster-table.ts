/**
 * The SQL of several nodes on one MySQL store: the nodes table (heartbeats stamped with the
 * server's clock, so liveness never depends on a node's clock), one-winner takeover by a
 * conditional UPDATE with an epoch, cluster start under the cluster row's lock, and the change
 * feed numbered by a counter taken as the last step of each change's transaction (commit order).
 */
import type { Pool } from 'mysql2/promise';

import { execute, selectRows, transaction } from '../store/mysql/sql.js';
import { DEAD_AFTER_MS } from './timing.js';

export interface NodeRow {
  id: string;
  epoch: number;
  alive: boolean;
  /** Its scheduler runs and it takes its share of the jobs (it joins before, and stops before it leaves). */
  ready: boolean;
  startedAt: number;
  /** The server's clock at the last heartbeat, epoch ms. */
  heartbeatAt: number;
  /** Milliseconds since the last heartbeat, by the server's clock. */
  ageMs: number;
  jobs: number;
  running: number;
}

export interface Change {
  seq: number;
  kind: 'job' | 'delete' | 'reload' | 'periods';
  job: string | null;
  node: string;
}

interface RawNode {
  id: string;
  epoch: number;
  alive: number;
  ready: number;
  started_at: number;
  heartbeat_ms: number;
  age_us: number;
  jobs: number;
  running: number;
}

const NODE_COLUMNS =
  'id, epoch, alive, ready, started_at, CAST(UNIX_TIMESTAMP(heartbeat_at) * 1000 AS SIGNED) AS heartbeat_ms, TIMESTAMPDIFF(MICROSECOND, heartbeat_at, NOW(6)) AS age_us, jobs, running';

function nodeFromRow(row: RawNode): NodeRow {
  return {
    id: row.id,
    epoch: Number(row.epoch),
    alive: row.alive === 1,
    ready: row.ready === 1,
    startedAt: Number(row.started_at),
    heartbeatAt: Number(row.heartbeat_ms),
    ageMs: Number(row.age_us) / 1000,
    jobs: row.jobs,
    running: row.running,
  };
}

export function isLive(node: NodeRow): boolean {
  return node.alive && node.ageMs < DEAD_AFTER_MS;
}

/** A node as `/status` lists it (SPEC §8). */
export interface NodeStatus {
  id: string;
  startedAt: string;
  heartbeatAt: string;
  alive: boolean;
  jobs: number;
  running: number;
}

export function nodeStatus(node: NodeRow): NodeStatus {
  return {
    id: node.id,
    startedAt: new Date(node.startedAt).toISOString(),
    heartbeatAt: new Date(node.heartbeatAt).toISOString(),
    alive: isLive(node),
    jobs: node.jobs,
    running: node.running,
  };
}

export class ClusterTable {
  constructor(private readonly pool: Pool) {}

  async nodes(): Promise<NodeRow[]> {
    return (await this.nodesAndTime()).nodes;
  }

  /**
   * The node list and the server's clock as it read it (epoch ms; NaN for an empty list), in one
   * round trip. UTC_TIMESTAMP counted from the epoch, never a local time: UNIX_TIMESTAMP of a
   * session-zone NOW() is ambiguous in the hour a DST change repeats.
   */
  async nodesAndTime(): Promise<{ nodes: NodeRow[]; serverMs: number }> {
    const rows = await selectRows<RawNode & { server_us: number }>(
      this.pool,
      `SELECT ${NODE_COLUMNS}, TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) AS server_us FROM quickjobs_nodes ORDER BY id`,
    );
    return { nodes: rows.map(nodeFromRow), serverMs: rows.length === 0 ? NaN : Number(rows[0]!.server_us) / 1000 };
  }

  /** The server's clock alone (epoch ms), for a node that has no place to read the list from yet. */
  async serverTime(): Promise<number> {
    const [row] = await selectRows<{ server_us: number }>(this.pool, "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) AS server_us");
    return Number(row!.server_us) / 1000;
  }

  async node(id: string): Promise<NodeRow | null> {
    const [row] = await selectRows<RawNode>(this.pool, `SELECT ${NODE_COLUMNS} FROM quickjobs_nodes WHERE id = ?`, [id]);
    return row === undefined ? null : nodeFromRow(row);
  }

  /**
   * Registers the node alive with a new epoch. Under the cluster row's lock, so of two nodes
   * starting at once one sees the other: with no other node alive this is a cluster start, and
   * every node still marked alive is dead, its runs interrupted. Resolves to the epoch, whether it
   * was a cluster start, and the change feed's position to read on from. Refuses (null) while a
   * live node holds this id.
   */
  async join(id: string, startedAt: number, message: string): Promise<{ epoch: number; clusterStart: boolean; changeSeq: number } | null> {
    return transaction(this.pool, async (connection) => {
      const [cluster] = await selectRows<{ change_seq: number }>(connection, 'SELECT change_seq FROM quickjobs_cluster WHERE id = 1 FOR UPDATE');
      const nodes = (await selectRows<RawNode>(connection, `SELECT ${NODE_COLUMNS} FROM quickjobs_nodes FOR UPDATE`)).map(nodeFromRow);
      if (nodes.some((node) => node.id === id && isLive(node))) return null;
      const clusterStart = !nodes.some((node) => node.id !== id && isLive(node));
      if (clusterStart) {
        await execute(connection, 'UPDATE quickjobs_nodes SET alive = 0, epoch = epoch + 1 WHERE alive = 1 AND id <> ?', [id]);
        // Whatever a dead cluster left in flight (this node's own runs go at its scheduler's start).
        await execute(
          connection,
          `UPDATE quickjobs_runs SET outcome = 'interrupted', finished_at = ?, duration_ms = GREATEST(0, ? - started_at), error = ?
           WHERE outcome = 'running' AND (node IS NULL OR node <> ?)`,
          [startedAt, startedAt, JSON.stringify({ message }), id],
        );
        await execute(connection, 'UPDATE quickjobs_cluster SET generation = generation + 1 WHERE id = 1');
      }
      await execute(
        connection,
        `INSERT INTO quickjobs_nodes (id, epoch, alive, ready, started_at, heartbeat_at, jobs, running) VALUES (?, 1, 1, 0, ?, NOW(6), 0, 0)
         ON DUPLICATE KEY UPDATE epoch = epoch + 1, alive = 1, ready = 0, started_at = VALUES(started_at), heartbeat_at = NOW(6), jobs = 0, running = 0`,
        [id, startedAt],
      );
      const [mine] = await selectRows<{ epoch: number }>(connection, 'SELECT epoch FROM quickjobs_nodes WHERE id = ?', [id]);
      return { epoch: Number(mine!.epoch), clusterStart, changeSeq: Number(cluster?.change_seq ?? 0) };
    });
  }

  /** Stamps the heartbeat with the server's clock. False: another node declared this one dead (fenced). */
  async heartbeat(id: string, epoch: number, jobs: number, running: number, ready: boolean): Promise<boolean> {
    const header = await execute(
      this.pool,
      'UPDATE quickjobs_nodes SET heartbeat_at = NOW(6), jobs = ?, running = ?, ready = ? WHERE id = ? AND epoch = ? AND alive = 1',
      [jobs, running, ready ? 1 : 0, id, epoch],
    );
    return header.affectedRows === 1;
  }

  /** Stops being given jobs (a graceful stop, while its runs finish). */
  async notReady(id: string, epoch: number): Promise<void> {
    await execute(this.pool, 'UPDATE quickjobs_nodes SET ready = 0 WHERE id = ? AND epoch = ?', [id, epoch]);
  }

  /**
   * Declares `node` dead if it still is silent by the server's clock and nobody did so first (one
   * winner: the epoch moves), and in the same transaction records its in-flight runs interrupted.
   * Resolves to the number of runs interrupted, or null when another node won or it came back.
   */
  async takeOver(node: NodeRow, at: number, message: string): Promise<number | null> {
    return transaction(this.pool, async (connection) => {
      const header = await execute(
        connection,
        `UPDATE quickjobs_nodes SET alive = 0, epoch = epoch + 1
         WHERE id = ? AND epoch = ? AND alive = 1 AND heartbeat_at < NOW(6) - INTERVAL ${DEAD_AFTER_MS * 1000} MICROSECOND`,
        [node.id, node.epoch],
      );
      if (header.affectedRows !== 1) return null;
      const runs = await execute(
        connection,
        `UPDATE quickjobs_runs SET outcome = 'interrupted', finished_at = ?, duration_ms = GREATEST(0, ? - started_at), error = ?
         WHERE node = ? AND outcome = 'running'`,
        [at, at, JSON.stringify({ message }), node.id],
      );
      return runs.affectedRows;
    });
  }

  /** A graceful stop: the node leaves at once instead of being found dead seconds later. */
  async leave(id: string, epoch: number): Promise<void> {
    await execute(this.pool, 'UPDATE quickjobs_nodes SET alive = 0, epoch = epoch + 1 WHERE id = ? AND epoch = ?', [id, epoch]);
  }

  /**
   * Adds a change to the feed. The counter row is taken last and held to the commit, so changes
   * commit in the order of their numbers and a reader never skips one that commits late.
   */
  async announce(kind: Change['kind'], job: string | null, node: string, at: number): Promise<void> {
    await transaction(this.pool, async (connection) => {
      await execute(connection, 'UPDATE quickjobs_cluster SET change_seq = LAST_INSERT_ID(change_seq + 1) WHERE id = 1');
      await execute(connection, 'INSERT INTO quickjobs_changes (seq, kind, job, node, at) VALUES (LAST_INSERT_ID(), ?, ?, ?, ?)', [kind, job, node, at]);
    });
  }

  async changesAfter(seq: number, limit = 1000): Promise<Change[]> {
    const rows = await selectRows<{ seq: number; kind: Change['kind']; job: string | null; node: string }>(
      this.pool,
      'SELECT seq, kind, job, node FROM quickjobs_changes WHERE seq > ? ORDER BY seq LIMIT ?',
      [seq, limit],
    );
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  /** The jobs with a run in flight on a node other than `node` (the in-flight key's index only). */
  async jobsInFlightElsewhere(node: string): Promise<string[]> {
    const rows = await selectRows<{ job: string; node: string | null }>(
      this.pool,
      'SELECT in_flight_job AS job, node FROM quickjobs_runs FORCE INDEX (quickjobs_runs_in_flight) WHERE in_flight_job IS NOT NULL',
    );
    return rows.filter((row) => row.node !== node).map((row) => row.job);
  }

  /** Keeps the feed short: every node reads it within a second, so old entries serve no one. */
  async pruneChanges(keepAfter: number): Promise<void> {
    await execute(this.pool, 'DELETE FROM quickjobs_changes WHERE seq <= ?', [keepAfter]);
  }
}
