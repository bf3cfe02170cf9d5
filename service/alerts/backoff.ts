/** When to retry a failed alert delivery. */

/** About 5 s, doubling, at most 120 s; five retries cover about two and a half minutes. */
export const DEFAULT_RETRY_DELAYS_MS = [5_000, 10_000, 20_000, 40_000, 80_000];
const MAX_DELAY_MS = 120_000;

/**
 * The delay before retry `index`, with ±20 % jitter so that many alerts failing together (a
 * receiver down) do not retry in lockstep.
 */
export function retryDelay(delays: readonly number[], index: number, random: () => number = Math.random): number {
  const base = Math.min(delays[index] ?? MAX_DELAY_MS, MAX_DELAY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}
