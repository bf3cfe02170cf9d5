/**
 * Cancelling a run that executes on another node, through the store only (SPEC §9: a cancelled run
 * ends within 1 s whichever node runs it). The node that serves `POST /runs/:id/cancel` leaves a
 * request; every node reads the requests every CANCELS_POLL_MS and cancels those of its runs in
 * flight, deleting the request once acted on. A request nobody acts on (the run ended, or its node
 * died and a takeover records it interrupted) lapses after REQUEST_MS by the server's clock.
 */
import type { Pool } from 'mysql2/promise';

import type { By, RunRecord } from '../jobs/types.js';
import { execute, selectRows } from '../store/mysql/sql.js';

/** A request to cancel lapses this long after it was made. */
const REQUEST_MS = 10_000;

export interface CancelRequest {
  run: number;
  by: By;
}

/** The store's side: the open requests. */
export class RemoteCancelsTable {
  constructor(private readonly pool: Pool) {}

  async request(run: number, by: By): Promise<void> {
    await execute(
      this.pool,
      'INSERT INTO quickjobs_run_cancels (run_id, by_name, at) VALUES (?, ?, NOW(6)) ON DUPLICATE KEY UPDATE by_name = VALUES(by_name), at = VALUES(at)',
      [run, by],
    );
  }

  async open(): Promise<CancelRequest[]> {
    const rows = await selectRows<{ run_id: number; by_name: string | null }>(
      this.pool,
      `SELECT run_id, by_name FROM quickjobs_run_cancels WHERE at > NOW(6) - INTERVAL ${REQUEST_MS * 1000} MICROSECOND`,
    );
    return rows.map((row) => ({ run: Number(row.run_id), by: row.by_name as By }));
  }

  async done(run: number): Promise<void> {
    await execute(this.pool, 'DELETE FROM quickjobs_run_cancels WHERE run_id = ?', [run]);
  }

  /** Forgets the lapsed requests. */
  async prune(): Promise<void> {
    await execute(this.pool, `DELETE FROM quickjobs_run_cancels WHERE at <= NOW(6) - INTERVAL ${REQUEST_MS * 1000} MICROSECOND`);
  }
}

/** What cancelling needs of the scheduler: its own runs in flight. */
export interface LocalCancel {
  /** Cancels a run in flight here; null when none with that id is in flight here. */
  cancel(run: number, by: By): Promise<RunRecord | null>;
}

/** The running node's side: acts on the requests for its runs. */
export class RemoteCancels {
  private polling = false;
  private rounds = 0;

  constructor(
    private readonly table: RemoteCancelsTable,
    private readonly local: LocalCancel,
  ) {}

  /** One round; overlapping calls are skipped. Throws what the store throws. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const request of await this.table.open()) {
        if ((await this.local.cancel(request.run, request.by)) !== null) await this.table.done(request.run);
      }
      // Lapsed requests are few and harmless: sweep them now and then, not every round.
      if (++this.rounds % 100 === 0) await this.table.prune();
    } finally {
      this.polling = false;
    }
  }
}
