/**
 * Checks the store in the background, so `/status` and `/healthz` answer at once from what is
 * known instead of waiting on a store that may not answer. Each check writes (a store that reads
 * but cannot write cannot record runs) and is bounded by the store's own deadline; the store's
 * other calls update its health as they go.
 */
import type { Store } from './store.js';

export interface HealthWatch {
  stop(): void;
}

/** Often enough that /healthz turns within seconds, cheap enough to be noise (one small write). */
export const HEALTH_CHECK_MS = 5_000;

export function watchStoreHealth(store: Pick<Store, 'ping'>, everyMs = HEALTH_CHECK_MS): HealthWatch {
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return; // one check at a time, however slow the store is
    checking = true;
    void store.ping().finally(() => {
      checking = false;
    });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
