/**
 * The clock of a cluster, in one place, because these numbers only work together. Takeover is
 * bounded by DEAD_AFTER_MS + HEARTBEAT_MS (silence long enough by the server's clock, then the
 * next round of some live node's checks) plus a job's re-read and claim: 3.5 s at most, inside
 * SPEC §8's 5 s with a margin for a loaded machine.
 *
 * Safety never rests on these numbers: the store's unique keys refuse a slot twice and a job in
 * flight twice whatever the timing. What they buy is that a node that is merely slow (a stalled
 * event loop, a slow disk under the database) stops starting runs by itself, HOLD_MS after the
 * send of its last heartbeat the store took, a whole second before any other node may find it
 * dead (DEAD_AFTER_MS after that heartbeat was stamped, which is later than it was sent).
 */

/** How often each node stamps its heartbeat and reads the node list (one UPDATE, one SELECT). */
export const HEARTBEAT_MS = 500;

/** A node whose heartbeat the server's clock finds this old is dead: six heartbeats missed. */
export const DEAD_AFTER_MS = 3_000;

/** Without a heartbeat taken for this long a node starts nothing: four missed, 1 s before DEAD_AFTER_MS. */
export const HOLD_MS = 2_000;

/** How often a node checks it still holds its place; when not, its runs in flight end (well before DEAD_AFTER_MS). */
export const GUARD_MS = 250;

/** How often each node reads the change feed: an edit reaches every node within about this. */
export const FEED_POLL_MS = 200;

/** How often each node reads which runs are in flight on the others (for its /events). */
export const REMOTE_RUNS_POLL_MS = 500;

/** How often each node copies the new log lines of its runs watched from another node. */
export const LINES_POLL_MS = 300;

/** How often each node reads the requests to cancel its runs: a cancel from another node takes about this. */
export const CANCELS_POLL_MS = 250;

/** Every so often each node reads every job again, in case a change was never announced. */
export const FULL_SYNC_MS = 30_000;

/** A node that finds its id held waits this long for the holder's heartbeat to move (or go stale). */
export const SAME_ID_WAIT_MS = DEAD_AFTER_MS + 1_500;
