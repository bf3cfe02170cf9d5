/**
 * Live log lines of a run, across nodes, through the store only (SPEC §8: `/runs/:id/events`
 * works whichever node runs the job). A node serving the stream for a run in flight elsewhere
 * keeps a watch on it (renewed while it streams, lapsing WATCH_MS after it stops); each node reads
 * the live watches every LINES_POLL_MS and copies the new lines of the watched runs it has in
 * flight. Nothing is written for a run nobody watches, so the claim's path stays one INSERT.
 */
import type { Pool } from 'mysql2/promise';

import type { LogEntry } from '../jobs/types.js';
import type { RunEvents } from '../runs/run-events.js';
import { execute, selectRows } from '../store/mysql/sql.js';

/** A watch lapses this long after its last renewal by the server's clock. */
const WATCH_MS = 5_000;

/** The store's side: watches and lines. */
export class LiveLinesTable {
  constructor(private readonly pool: Pool) {}

  /** Asks (again) for the lines of run `id` for the next WATCH_MS. */
  async watch(id: number): Promise<void> {
    await execute(
      this.pool,
      `INSERT INTO quickjobs_run_watches (run_id, until_at) VALUES (?, NOW(6) + INTERVAL ${WATCH_MS * 1000} MICROSECOND)
       ON DUPLICATE KEY UPDATE until_at = VALUES(until_at)`,
      [id],
    );
  }

  async watched(): Promise<number[]> {
    const rows = await selectRows<{ run_id: number }>(this.pool, 'SELECT run_id FROM quickjobs_run_watches WHERE until_at > NOW(6)');
    return rows.map((row) => Number(row.run_id));
  }

  async append(id: number, from: number, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const values = entries.map(() => '(?, ?, ?)').join(', ');
    await execute(this.pool, `INSERT IGNORE INTO quickjobs_run_lines (run_id, seq, entry) VALUES ${values}`, entries.flatMap((entry, i) => [id, from + i, JSON.stringify(entry)]));
  }

  /** The lines of run `id` after line `seq` (0: from the first), in order. */
  async linesAfter(id: number, seq: number): Promise<Array<{ seq: number; entry: LogEntry }>> {
    const rows = await selectRows<{ seq: number; entry: string }>(this.pool, 'SELECT seq, entry FROM quickjobs_run_lines WHERE run_id = ? AND seq > ? ORDER BY seq', [id, seq]);
    return rows.map((row) => ({ seq: Number(row.seq), entry: JSON.parse(row.entry) as LogEntry }));
  }

  /** Forgets an ended run's lines and watch: its record holds every line now. */
  async forget(id: number): Promise<void> {
    await execute(this.pool, 'DELETE FROM quickjobs_run_lines WHERE run_id = ?', [id]);
    await execute(this.pool, 'DELETE FROM quickjobs_run_watches WHERE run_id = ?', [id]);
  }
}

/** The running node's side: copies the lines of its watched runs in flight to the store. */
export class LiveLinesShipper {
  /** Watched runs of this node: the lines seen so far and how many of them are in the store. */
  private readonly shipping = new Map<number, { lines: LogEntry[]; shipped: number; ended: boolean; stop: () => void }>();
  private polling = false;

  constructor(
    private readonly table: LiveLinesTable,
    private readonly runEvents: RunEvents,
  ) {}

  /** One round: take up new watches, copy new lines, forget ended runs. Throws what the store throws. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const id of await this.table.watched()) {
        if (this.shipping.has(id)) continue;
        const state = { lines: [] as LogEntry[], shipped: 0, ended: false, stop: () => {} };
        const stop = this.runEvents.subscribe(id, {
          log: (entry) => state.lines.push(entry),
          end: () => (state.ended = true),
        });
        if (stop === null) continue; // not in flight here
        state.stop = stop;
        this.shipping.set(id, state);
      }
      for (const [id, state] of this.shipping) {
        const fresh = state.lines.slice(state.shipped);
        await this.table.append(id, state.shipped + 1, fresh);
        state.shipped += fresh.length;
        if (state.ended) {
          state.stop();
          this.shipping.delete(id);
          // The watcher reads the end from the run's record, every line in it.
          await this.table.forget(id);
        }
      }
    } finally {
      this.polling = false;
    }
  }
}
