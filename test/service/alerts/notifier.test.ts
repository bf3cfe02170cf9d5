import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';

import type { AlertConfig } from '../../../service/alerts/config.js';
import { AlertNotifier, type AlertNotifierOptions } from '../../../service/alerts/notifier.js';
import { AddressPolicy } from '../../../service/helpers/address-policy.js';
import { readHelperConfig } from '../../../service/helpers/config.js';
import { parseJobFields } from '../../../service/jobs/job-input.js';
import type { Job, Notify, RunRecord } from '../../../service/jobs/types.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import { readableMail, startSmtp, startWebhook } from './receivers.js';

const SECRET = 'test-secret-of-some-length';
const quietLog = { info() {}, warn() {}, error() {} };
/** The receivers below listen on loopback, which the address policy refuses unless allowed. */
const policyAllowing = (allow: string): AddressPolicy => new AddressPolicy(readHelperConfig({ QUICKJOBS_NETWORK_ALLOW: allow }).network.allow);
const LOOPBACK_ALLOWED = policyAllowing('127.0.0.1');

function run(id: number): RunRecord {
  return {
    id,
    job: 'nightly-report',
    trigger: 'schedule',
    scheduledAt: Date.UTC(2030, 0, 1, 3),
    queuedAt: Date.UTC(2030, 0, 1, 3),
    startedAt: Date.UTC(2030, 0, 1, 3),
    waitMs: 0,
    finishedAt: Date.UTC(2030, 0, 1, 3, 0, 2),
    durationMs: 2000,
    result: null,
    outcome: 'error',
    error: { message: 'ReferenceError: reportz is not defined', line: 7, column: 3 },
    logs: [{ at: '2030-01-01T03:00:01.000Z', level: 'info', message: 'fetching the report' }],
    codeVersion: 3,
    by: null,
    cancelledBy: null,
    node: null,
    params: null,
  };
}

/** A port nothing listens on: bound, read, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('AlertNotifier', () => {
  let dir: string;
  let store: SqliteStore;
  let job: Job;
  const notifiers: AlertNotifier[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quickjobs-alerts-'));
    store = SqliteStore.open({ file: join(dir, 'quickjobs.db'), runHistory: 10 });
    const fields = parseJobFields({ name: 'nightly-report', interval: 86400, description: 'mails the report' }, 'create');
    assert.ok(fields.ok);
    const { name, ...settings } = fields.value;
    job = await store.createJob(
      {
        name,
        ...settings,
        status: 'exit',
        active: false,
        nextRunAt: null,
        lastRunAt: Date.UTC(2030, 0, 1, 3),
        lastScheduledAt: null,
        lastResult: null,
        lastError: 'ReferenceError: reportz is not defined',
        failing: true,
        path: 'jobs/nightly-report.js',
        owner: 'user',
        sourceHash: null,
        createdAt: 0,
        updatedAt: 0,
      },
      'return core.job();',
    );
  });

  afterEach(async () => {
    for (const notifier of notifiers.splice(0)) await notifier.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function notifier(overrides: Partial<Omit<AlertNotifierOptions, 'config'>> & { config?: Partial<AlertConfig> } = {}): AlertNotifier {
    const { config, ...rest } = overrides;
    const made = new AlertNotifier({
      store,
      smtp: { url: null, from: null },
      log: quietLog,
      policy: LOOPBACK_ALLOWED,
      ...rest,
      config: { email: [], webhook: null, webhookSecret: SECRET, retryDelaysMs: [5, 5, 5, 5, 5], ...config },
    });
    notifiers.push(made);
    return made;
  }

  function withNotify(notify: Notify | null): Job {
    return { ...job, notify };
  }

  it('emails the service default addresses, saying which job, what happened, the error and the run', async () => {
    const smtp = await startSmtp();
    try {
      const alerts = notifier({
        smtp: { url: smtp.url, from: 'quickjobs@example.com' },
        config: { email: ['ops@example.com', 'dev@example.com'] },
      });
      alerts.notify('job.failed', job, run(41));
      await alerts.settled();

      assert.equal(smtp.mails.length, 1);
      const [mail] = smtp.mails;
      assert.equal(mail?.from, 'quickjobs@example.com');
      assert.deepEqual(mail?.to, ['ops@example.com', 'dev@example.com']);
      const { headers, text } = readableMail(mail?.raw ?? '');
      assert.equal(headers.subject, '[quickjobs] job "nightly-report" failed and was deactivated');
      assert.match(text, /ReferenceError: reportz is not defined \(line 7, column 3\)/);
      assert.match(text, /Run: +#41 /);
      assert.match(text, /fetching the report/);

      const [record] = await store.listAlerts('nightly-report', 10);
      assert.equal(record?.channel, 'email');
      assert.equal(record?.state, 'delivered');
      assert.equal(record?.attempts.length, 1);
    } finally {
      await smtp.close();
    }
  });

  it('retries a webhook until the receiver accepts, signing each attempt, and records every attempt', async () => {
    const hook = await startWebhook([500, 503, 200]);
    try {
      const alerts = notifier();
      alerts.notify('job.recovered', withNotify({ email: [], webhook: hook.url }), { ...run(42), outcome: 'success', result: 'OK', error: null });
      await alerts.settled();

      assert.equal(hook.hooks.length, 3);
      for (const { headers, body } of hook.hooks) {
        const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
        assert.equal(headers['x-quickjobs-signature'], expected);
        assert.equal(headers['content-type'], 'application/json');
      }
      const payload = JSON.parse(hook.hooks[0]!.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(payload), ['event', 'job', 'run', 'at']);
      assert.equal(payload.event, 'job.recovered');
      assert.equal((payload.job as { name: string }).name, 'nightly-report');
      assert.equal((payload.run as { id: number }).id, 42);
      assert.match(String(payload.at), /^\d{4}-\d\d-\d\dT.*Z$/);

      const [record] = await store.listAlerts('nightly-report', 10);
      assert.equal(record?.channel, 'webhook');
      assert.equal(record?.target, hook.url);
      assert.equal(record?.state, 'delivered');
      assert.deepEqual(
        record?.attempts.map((a) => [a.ok, a.status]),
        [
          [false, 500],
          [false, 503],
          [true, 200],
        ],
      );
    } finally {
      await hook.close();
    }
  });

  it('records an unreachable target as failed after the last retry, without throwing', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const alerts = notifier({ config: { retryDelaysMs: [5, 5] } });
    assert.doesNotThrow(() => alerts.notify('job.failed', withNotify({ email: [], webhook: url }), run(43)));
    await alerts.settled();

    const [record] = await store.listAlerts('nightly-report', 10);
    assert.equal(record?.state, 'failed');
    assert.equal(record?.attempts.length, 3);
    assert.ok(record?.attempts.every((a) => !a.ok && typeof a.error === 'string' && a.error.length > 0));
  });

  it('logs each failed email try while it retries, not only after the last', async () => {
    const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const log = { ...quietLog, warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }) };
    const alerts = notifier({
      log,
      config: { retryDelaysMs: [5, 5] },
      smtp: { url: `smtp://127.0.0.1:${await closedPort()}`, from: 'quickjobs@example.com' },
    });
    alerts.notify('job.failed', withNotify({ email: ['ops@example.com'], webhook: null }), run(44));
    await alerts.settled();

    const retries = warnings.filter((w) => w.message === 'alert not delivered; trying again');
    assert.deepEqual(retries.map((w) => [w.fields.channel, w.fields.attempt]), [['email', 1], ['email', 2]]);
    assert.ok(retries.every((w) => typeof w.fields.error === 'string' && (w.fields.error as string).length > 0));
    assert.equal(warnings.at(-1)?.message, 'alert could not be delivered');
  });

  it('records email as failed at once when no SMTP server is configured', async () => {
    const alerts = notifier({ config: { email: ['ops@example.com'] } });
    alerts.notify('job.failed', job, run(44));
    await alerts.settled();
    const [record] = await store.listAlerts('nightly-report', 10);
    assert.equal(record?.state, 'failed');
    assert.equal(record?.attempts.length, 1);
    assert.match(record?.attempts[0]?.error ?? '', /QUICKJOBS_SMTP_URL/);
  });

  it("sends nothing when the job's own notify is empty, even with service defaults", async () => {
    const alerts = notifier({ config: { email: ['ops@example.com'], webhook: 'http://127.0.0.1:1/never' } });
    alerts.notify('job.failed', withNotify({ email: [], webhook: null }), run(45));
    await alerts.settled();
    assert.deepEqual(await store.listAlerts('nightly-report', 10), []);
  });

  it('abandons a waiting retry on close, records it as failed, and notifies no more', async () => {
    const hook = await startWebhook([500]);
    try {
      // The store, telling when the first attempt's record has landed (the notifier then waits to retry).
      let recorded: () => void = () => {};
      const firstAttemptRecorded = new Promise<void>((resolve) => (recorded = resolve));
      const watched = new Proxy(store, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function') return value;
          if (key !== 'updateAlert') return value.bind(target);
          return async (...args: unknown[]) => {
            await value.apply(target, args);
            recorded();
          };
        },
      });
      const alerts = notifier({ store: watched, config: { retryDelaysMs: [60_000] } });
      alerts.notify('job.failed', withNotify({ email: [], webhook: hook.url }), run(46));
      await firstAttemptRecorded;

      const started = Date.now();
      await alerts.close();
      assert.ok(Date.now() - started < 5_000, 'close does not wait out the retry delay');
      alerts.notify('job.failed', withNotify({ email: [], webhook: hook.url }), run(47));

      const records = await store.listAlerts('nightly-report', 10);
      assert.equal(records.length, 1);
      assert.equal(records[0]?.state, 'failed');
      assert.match(records[0]?.attempts.at(-1)?.error ?? '', /abandoned/);
      assert.equal(hook.hooks.length, 1);
    } finally {
      await hook.close();
    }
  });

  describe('under the address policy of core.network', () => {
    it('refuses a loopback webhook unless QUICKJOBS_NETWORK_ALLOW allows it, without retrying or reaching it', async () => {
      const hook = await startWebhook([200]);
      try {
        const alerts = notifier({ policy: policyAllowing('') });
        alerts.notify('job.failed', withNotify({ email: [], webhook: hook.url }), run(50));
        await alerts.settled();
        const [record] = await store.listAlerts('nightly-report', 10);
        assert.equal(record?.state, 'failed');
        assert.equal(record?.attempts.length, 1);
        assert.match(record?.attempts[0]?.error ?? '', /blocked address 127\.0\.0\.1 \(loopback\).*QUICKJOBS_NETWORK_ALLOW/);
        assert.equal(hook.hooks.length, 0);
      } finally {
        await hook.close();
      }
    });

    it('refuses a name that resolves to loopback, as core.network does', async () => {
      const hook = await startWebhook([200]);
      try {
        const alerts = notifier({ policy: policyAllowing('') });
        alerts.notify('job.failed', withNotify({ email: [], webhook: hook.url.replace('127.0.0.1', 'localhost') }), run(51));
        await alerts.settled();
        const [record] = await store.listAlerts('nightly-report', 10);
        assert.match(record?.attempts[0]?.error ?? '', /blocked address .* for host localhost/);
        assert.equal(hook.hooks.length, 0);
      } finally {
        await hook.close();
      }
    });

    it('never follows a redirect: an allowed receiver cannot bounce the signed body to an internal port', async () => {
      const internal = await startWebhook([200]);
      const bouncer = await startWebhook([307], { location: internal.url });
      try {
        const alerts = notifier({ policy: policyAllowing(`127.0.0.1`), config: { retryDelaysMs: [] } });
        alerts.notify('job.failed', withNotify({ email: [], webhook: bouncer.url }), run(52));
        await alerts.settled();
        const [record] = await store.listAlerts('nightly-report', 10);
        assert.equal(record?.state, 'failed');
        assert.equal(record?.attempts[0]?.status, 307);
        assert.equal(bouncer.hooks.length, 1);
        assert.equal(internal.hooks.length, 0);
      } finally {
        await internal.close();
        await bouncer.close();
      }
    });
  });
});
