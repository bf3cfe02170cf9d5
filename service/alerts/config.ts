/** The service-wide alert settings, read once at start; a bad value stops the start. */
import { ConfigError } from '../config-error.js';
import { DEFAULT_RETRY_DELAYS_MS } from './backoff.js';
import { EMAIL_PATTERN, isHttpUrl } from '../jobs/job-input.js';

export interface AlertConfig {
  /** Default email targets for jobs without their own `notify`. */
  email: string[];
  /** Default webhook for jobs without their own `notify`. */
  webhook: string | null;
  /** Signs every webhook body; null sends webhooks unsigned. */
  webhookSecret: string | null;
  /** Delays before each webhook retry; the count is the number of retries. About 5 s, doubling. */
  retryDelaysMs: number[];
}


export function readAlertConfig(env: Record<string, string | undefined>): AlertConfig {
  const email = (env.QUICKJOBS_NOTIFY_EMAIL ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  const bad = email.find((address) => !EMAIL_PATTERN.test(address));
  if (bad !== undefined) {
    throw new ConfigError('QUICKJOBS_NOTIFY_EMAIL', `"${bad}" is not an email address (give a comma-separated list)`);
  }

  const webhookText = env.QUICKJOBS_NOTIFY_WEBHOOK?.trim() || null;
  if (webhookText !== null && !isHttpUrl(webhookText)) {
    throw new ConfigError('QUICKJOBS_NOTIFY_WEBHOOK', `"${webhookText}" is not an http or https URL`);
  }

  const webhookSecret = env.QUICKJOBS_WEBHOOK_SECRET || null;
  if (webhookSecret !== null && webhookSecret.length < 16) {
    throw new ConfigError('QUICKJOBS_WEBHOOK_SECRET', 'use at least 16 characters (e.g. `openssl rand -hex 32`)');
  }
  // A default webhook that receivers cannot verify invites forged alerts; a secret is required.
  if (webhookText !== null && webhookSecret === null) {
    throw new ConfigError('QUICKJOBS_WEBHOOK_SECRET', 'required when QUICKJOBS_NOTIFY_WEBHOOK is set, to sign the webhook');
  }
  return { email, webhook: webhookText, webhookSecret, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS };
}
