/**
 * Keeps the audit trail to QUICKJOBS_AUDIT_DAYS (SPEC §14): older entries are deleted at start and
 * then every few hours. Every node may prune; deleting what another node already deleted is harmless.
 */
import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;
const EVERY_MS = 6 * 3600_000;

export function keepAuditFor(store: Store, days: number, onError: (error: unknown) => void, now: () => number = Date.now): { stop(): void } {
  const prune = () => void store.pruneAudit(now() - days * DAY_MS).catch(onError);
  prune();
  const timer = setInterval(prune, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
