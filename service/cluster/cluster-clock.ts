/**
 * The cluster's one clock: the database server's. Slots are absolute times, stored as each node
 * planned them (a run's end plans the next slot), and the node that owns a job next compares them
 * with its own `now`. With each node on its own wall clock, a job moving from a node behind to one
 * ahead found its next slots already past by the difference, and its `missed` rule skipped them;
 * moving the other way it ran late by the difference. So every node schedules by the server's
 * clock: its wall clock plus an offset read from the server next to the node list it reads anyway.
 *
 * Each reading is bracketed by the node's wall clock before and after the round trip; the server's
 * time lies in between, so the offset read is off by at most half the round trip. The reading of
 * the shortest round trip among the last few is kept, so a slow answer on a loaded machine does
 * not move the clock.
 */

/** Readings kept: at one per survey (500 ms), the best of the last 10 s. */
const WINDOW = 20;

interface Reading {
  offsetMs: number;
  roundTripMs: number;
}

export class ClusterClock {
  private readings: Reading[] = [];
  private offset = 0;

  constructor(private readonly wallClock: () => number = Date.now) {}

  /** The server's time now, by this node's wall clock and the offset last read (epoch ms). */
  now(): number {
    return this.wallClock() + this.offset;
  }

  /** How far the server's clock is ahead of this node's (negative: behind), in ms. */
  get offsetMs(): number {
    return this.offset;
  }

  /** Turns a time read on this node's wall clock (a sandbox thread's, say) into the cluster's. */
  fromWallClock(at: number): number {
    return at + this.offset;
  }

  /** The node's wall clock just before asking; runs `read`, which answers the server's time (epoch ms). */
  async read(read: () => Promise<number>): Promise<void> {
    const sent = this.wallClock();
    const server = await read();
    this.record(sent, server, this.wallClock());
  }

  /** A reading: the server said `serverMs` between this node's `sentMs` and `receivedMs`. */
  record(sentMs: number, serverMs: number, receivedMs: number): void {
    if (!Number.isFinite(serverMs) || receivedMs < sentMs) return;
    this.readings.push({ offsetMs: serverMs - (sentMs + receivedMs) / 2, roundTripMs: receivedMs - sentMs });
    if (this.readings.length > WINDOW) this.readings.shift();
    let best = this.readings[0]!;
    for (const reading of this.readings) if (reading.roundTripMs < best.roundTripMs) best = reading;
    this.offset = Math.round(best.offsetMs);
  }
}
