/** Alerts: email and webhook when a job fails and when it recovers (SPEC §7). */
export { DEFAULT_RETRY_DELAYS_MS } from './backoff.js';
export { readAlertConfig, type AlertConfig } from './config.js';
export type { AlertEvent } from './messages.js';
export { AlertNotifier, type AlertNotifierOptions } from './notifier.js';
export type { AlertLog } from './types.js';
export { SIGNATURE_HEADER, signature } from './webhook.js';
