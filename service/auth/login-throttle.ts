/**
 * Slows password guessing: failed logins are counted per client address and per account over a
 * sliding window, and past a limit every login attempt from that client (or for that account) is
 * refused until the oldest counted failure leaves the window, right password or not, so a refusal
 * tells a guesser nothing. Counts live in this process: each node of a cluster counts its own.
 */

export interface ThrottleLimits {
  windowMs: number;
  /** Failures one client address may make per window. */
  perClient: number;
  /** Failures one account may take per window, from all addresses together. */
  perAccount: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { windowMs: 5 * 60_000, perClient: 10, perAccount: 50 };

/** Bounds the memory a flood of distinct (forged) addresses can make us hold. */
const MAX_KEYS = 10_000;

export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly limits: ThrottleLimits = DEFAULT_THROTTLE) {}

  /** Milliseconds until the client may try again, or 0 when it may try now. */
  waitMs(client: string, account: string, now: number): number {
    return Math.max(
      this.#wait(`client:${client}`, this.limits.perClient, now),
      this.#wait(`account:${account}`, this.limits.perAccount, now),
    );
  }

  failed(client: string, account: string, now: number): void {
    this.#add(`client:${client}`, now);
    this.#add(`account:${account}`, now);
  }

  /** A right password clears the client's count; the account's stays, or a guesser could clear it too. */
  succeeded(client: string): void {
    this.#failures.delete(`client:${client}`);
  }

  #wait(key: string, limit: number, now: number): number {
    const times = this.#recent(key, now);
    if (times.length < limit) return 0;
    return times[times.length - limit]! + this.limits.windowMs - now;
  }

  #add(key: string, now: number): void {
    const times = this.#recent(key, now);
    times.push(now);
    // Re-inserted last, so the map iterates oldest-touched first when it must evict.
    this.#failures.delete(key);
    this.#failures.set(key, times);
    if (this.#failures.size > MAX_KEYS) this.#failures.delete(this.#failures.keys().next().value!);
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((at) => at > now - this.limits.windowMs);
    if (times.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, times);
    return times;
  }
}
