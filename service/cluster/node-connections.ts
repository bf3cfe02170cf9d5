/**
 * The connections of each node, so that the node that finds another dead can end them. A node that
 * stops mid-transaction (a frozen VM, SIGSTOP, a pause longer than the dead limit) keeps holding
 * the rows its transaction locked, among them rows every node writes (the rollups of the hour,
 * the change counter), and the whole cluster would wait for it to wake. Ending its connections
 * rolls its transactions back and frees them; the node, if it ever wakes, finds itself fenced and
 * its pool connects again.
 *
 * A connection is named by the server's thread id and the client address the server sees (ids
 * start over when the server restarts; the pair does not name another node's connection then).
 */
import type { Pool } from 'mysql2/promise';

import { execute, selectRows } from '../store/mysql/sql.js';

/** The callback-style connection mysql2 passes to the pool's `acquire` event. */
interface CoreConnection {
  query(sql: string, params: unknown[], done: (error: Error | null) => void): void;
}

const REGISTER = `INSERT INTO quickjobs_node_connections (conn_id, node, host)
  SELECT ID, ?, HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()
  ON DUPLICATE KEY UPDATE node = VALUES(node), host = VALUES(host)`;

/**
 * Names each connection of `pool` as node `node`'s, the first time the pool hands it out after
 * this call (queued ahead of the statement it was handed out for). A connection that could not be
 * named is tried again at its next use.
 */
export function nameConnections(pool: Pool, node: string): void {
  const named = new WeakSet<object>();
  pool.on('acquire', (connection) => {
    if (named.has(connection)) return;
    named.add(connection);
    (connection as unknown as CoreConnection).query(REGISTER, [node], (error) => {
      if (error !== null) named.delete(connection);
    });
  });
}

/**
 * Ends every connection named as `node`'s that is still open, and forgets them; how many it
 * ended. The server lets a user end its own connections: every node must use the same MySQL user
 * (or one allowed CONNECTION ADMIN).
 */
export async function endConnections(pool: Pool, node: string): Promise<number> {
  const named = await selectRows<{ conn_id: number; host: string }>(pool, 'SELECT conn_id, host FROM quickjobs_node_connections WHERE node = ?', [node]);
  let ended = 0;
  if (named.length > 0) {
    const open = await selectRows<{ ID: number; HOST: string }>(
      pool,
      `SELECT ID, HOST FROM information_schema.PROCESSLIST WHERE ID IN (${named.map(() => '?').join(', ')})`,
      named.map((row) => row.conn_id),
    );
    for (const connection of open) {
      if (!named.some((row) => Number(row.conn_id) === Number(connection.ID) && row.host === connection.HOST)) continue;
      // Gone meanwhile (closed, or ended by another node taking over at the same time): nothing to end.
      await execute(pool, `KILL CONNECTION ${Number(connection.ID)}`).then(
        () => ended++,
        () => undefined,
      );
    }
  }
  await execute(pool, 'DELETE FROM quickjobs_node_connections WHERE node = ?', [node]);
  return ended;
}
