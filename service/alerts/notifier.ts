/**
 * Tells people when a job is deactivated by an error (`job.failed`) and when it next succeeds
 * (`job.recovered`), by email and webhook. Delivery happens in the background: `notify` never
 * blocks or throws, so a dead mail server cannot slow or break a run. Every delivery and each of its
 * attempts is recorded in the store, so an unreachable target shows in the job's detail.
 */
import type { Transporter } from 'nodemailer';
import type { AddressPolicy } from '../helpers/address-policy.js';
import type { AlertDelivery, Job, RunRecord } from '../jobs/types.js';
import type { Store } from '../store/store.js';
import { retryDelay } from './backoff.js';
import type { AlertConfig } from './config.js';
import { emailMessage, webhookBody, type AlertEvent } from './messages.js';
import type { AlertLog } from './types.js';
import { postWebhook, type AttemptOutcome } from './webhook.js';

export interface AlertNotifierOptions {
  store: Store;
  config: AlertConfig;
  smtp: { url: string | null; from: string | null };
  log: AlertLog;
  /** Where webhooks may go: the address policy of `core.network`. */
  policy: AddressPolicy;
  now?: () => number;
}

type Attempt = AlertDelivery['attempts'][number];

/** How long close() waits for deliveries already on the wire. */
const CLOSE_WAIT_MS = 2_000;

export class AlertNotifier {
  private readonly now: () => number;
  private readonly delays: number[];
  private readonly pending = new Set<Promise<void>>();
  /** Aborted by close(): pending retries stop waiting and give up. */
  private readonly stopping = new AbortController();
  private mailer: Transporter | null = null;
  private warnedUnsigned = false;

  constructor(private readonly options: AlertNotifierOptions) {
    this.now = options.now ?? Date.now;
    this.delays = options.config.retryDelaysMs;
  }

  notify(event: AlertEvent, job: Job, run: RunRecord): void {
    if (this.stopping.signal.aborted) return;
    const targets = job.notify ?? { email: this.options.config.email, webhook: this.options.config.webhook };
    if (targets.email.length > 0) {
      const { subject, text } = emailMessage(event, job, run);
      this.track(this.deliver(event, job.name, 'email', targets.email.join(', '), () => this.sendEmail(targets.email, subject, text)));
    }
    if (targets.webhook !== null) {
      const url = targets.webhook;
      const secret = this.options.config.webhookSecret;
      if (secret === null && !this.warnedUnsigned) {
        this.warnedUnsigned = true;
        this.options.log.warn({ job: job.name }, 'sending webhooks unsigned: set QUICKJOBS_WEBHOOK_SECRET so receivers can verify them');
      }
      // One body for every attempt, so the signature a receiver checks is stable across retries.
      const body = webhookBody(event, job, run, this.now());
      this.track(
        this.deliver(event, job.name, 'webhook', url, () =>
          postWebhook(url, body, { 'X-Quickjobs-Event': event, 'X-Quickjobs-Run': String(run.id) }, secret, this.options.policy),
        ),
      );
    }
  }

  /** Resolves when every delivery started so far has delivered or given up. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Waits briefly for deliveries in flight; retries still waiting are abandoned and marked failed. */
  async close(): Promise<void> {
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.settled(), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    this.mailer?.close();
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async deliver(
    event: AlertEvent,
    jobName: string,
    channel: AlertDelivery['channel'],
    target: string,
    attempt: () => Promise<AttemptOutcome & { permanent?: boolean }>,
  ): Promise<void> {
    const { store, log } = this.options;
    const attempts: Attempt[] = [];
    let id: number | null = null;
    const record = async (state: AlertDelivery['state']): Promise<void> => {
      try {
        const updatedAt = this.now();
        if (id === null) {
          id = await store.createAlert({ job: jobName, event, channel, target, state, attempts: [...attempts], createdAt: updatedAt, updatedAt });
        } else {
          await store.updateAlert(id, { state, attempts: [...attempts], updatedAt });
        }
      } catch (error) {
        // The alert still goes out; only its record is missing.
        log.error({ job: jobName, channel, err: error }, 'could not record an alert delivery');
      }
    };

    try {
      await record('pending');
      for (let retry = 0; ; retry += 1) {
        const { permanent, ...outcome } = await attempt();
        attempts.push({ at: this.now(), ...outcome });
        if (outcome.ok) {
          await record('delivered');
          log.info({ job: jobName, event, channel, attempts: attempts.length }, 'alert delivered');
          return;
        }
        if (permanent || retry >= this.delays.length) break;
        // Each failed try is logged as it happens: a delivery that retries for minutes is not silent.
        const delayMs = retryDelay(this.delays, retry);
        log.warn({ job: jobName, event, channel, target, attempt: attempts.length, error: outcome.error, retryInMs: delayMs }, 'alert not delivered; trying again');
        await record('pending');
        if (!(await this.sleep(delayMs))) {
          attempts.push({ at: this.now(), ok: false, error: 'abandoned: the service stopped before a retry' });
          break;
        }
      }
      await record('failed');
      log.warn({ job: jobName, event, channel, target, attempts }, 'alert could not be delivered');
    } catch (error) {
      // notify() promised never to throw; a bug here must not become an unhandled rejection.
      log.error({ job: jobName, channel, err: error }, 'alert delivery failed unexpectedly');
    }
  }

  /** Resolves true after the delay, or false at once when the notifier closes. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async sendEmail(to: string[], subject: string, text: string): Promise<AttemptOutcome & { permanent?: boolean }> {
    const { url, from } = this.options.smtp;
    // Retrying cannot fix a missing setting; the failed record tells the admin what to set.
    if (url === null) return { ok: false, error: 'email is not configured: set QUICKJOBS_SMTP_URL', permanent: true };
    try {
      // nodemailer loads at the first email: most services send none, and its code costs the
      // main thread's heap about 4 MB.
      this.mailer ??= (await import('nodemailer')).createTransport({
        url,
        // Fail an attempt in seconds rather than hang on a dead server; the retry covers the rest.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      await this.mailer.sendMail({ from: from ?? 'quickjobs@localhost', to, subject, text });
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
}
