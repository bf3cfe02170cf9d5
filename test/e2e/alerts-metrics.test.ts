/**
 * Alerts and metrics through the whole service: a job that throws tells an SMTP server and a
 * webhook (retried, signed), its recovery says so, and /metrics counts it all.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { createTestService, TEST_TOKEN, type TestService } from '../helpers/app.js';
import { waitFor } from '../helpers/service.js';
import { readableMail, startSmtp, startWebhook } from '../service/alerts/receivers.js';

type Family = { name: string; metrics: Array<{ labels?: Record<string, string>; value?: string }> };
// The parser ships without typings; it is a CommonJS function of the text.
const parsePrometheusTextFormat = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const SECRET = 'webhook-secret-0123456789';

let t: TestService;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let hook: Awaited<ReturnType<typeof startWebhook>>;

before(async () => {
  smtp = await startSmtp();
  hook = await startWebhook([500, 500, 200]);
  t = await createTestService(
    {
      QUICKJOBS_SMTP_URL: smtp.url,
      QUICKJOBS_MAIL_FROM: 'quickjobs@example.com',
      QUICKJOBS_NOTIFY_EMAIL: 'ops@example.com',
      QUICKJOBS_NOTIFY_WEBHOOK: hook.url,
      QUICKJOBS_WEBHOOK_SECRET: SECRET,
      // The receivers listen on loopback, which webhooks may reach only when allowed.
      QUICKJOBS_NETWORK_ALLOW: '127.0.0.1',
    },
    (config) => void (config.alerts.retryDelaysMs = [50, 100, 200, 400, 800]),
  );
});

after(async () => {
  await t.close();
  await smtp.close();
  await hook.close();
});

function verify(body: string, signature: string | string[] | undefined): boolean {
  const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return signature === expected;
}

describe('when a job fails and then recovers', () => {
  it('sends one failure email and one signed webhook, retried after two refusals', async () => {
    const created = await t.api('/jobs', {
      method: 'POST',
      body: { name: 'flaky', interval: 1, code: 'const job = core.job();\njob.run = () => { throw new Error("database is down"); };\nreturn job;' },
    });
    assert.equal(created.status, 201);
    await waitFor(async () => (await t.api('/jobs/flaky')).body.status === 'exit', 5000, 'the job to fail');
    await waitFor(async () => hook.hooks.length >= 3 && smtp.mails.length >= 1, 5000, 'the alerts');

    assert.equal(smtp.mails.length, 1);
    assert.deepEqual(smtp.mails[0]!.to, ['ops@example.com']);
    const mail = readableMail(smtp.mails[0]!.raw);
    assert.match(mail.headers.subject ?? '', /flaky/);
    assert.match(mail.text, /database is down/);

    assert.equal(hook.hooks.length, 3, 'two refusals, then delivered');
    for (const received of hook.hooks) {
      assert.ok(verify(received.body, received.headers['x-quickjobs-signature']), 'signature verifies');
      const payload = JSON.parse(received.body);
      assert.equal(payload.event, 'job.failed');
      assert.equal(payload.job.name ?? payload.job, 'flaky');
    }
    const alerts = await waitFor(async () => {
      const list = (await t.api('/jobs/flaky/alerts')).body;
      return list.find((a: { channel: string; state: string }) => a.channel === 'webhook' && a.state === 'delivered') ? list : null;
    }, 3000, 'the delivery record');
    const webhook = alerts.find((a: { channel: string }) => a.channel === 'webhook');
    assert.equal(webhook.attempts.length, 3);
    assert.deepEqual(webhook.attempts.map((a: { ok: boolean }) => a.ok), [false, false, true]);
  });

  it('sends the recovery notice when the job next succeeds', async () => {
    await t.api('/jobs/flaky/code', { method: 'PUT', body: { code: 'const job = core.job();\njob.run = () => job.OK;\nreturn job;' } });
    await t.api('/jobs/flaky', { method: 'PUT', body: { active: true } });
    await waitFor(async () => smtp.mails.length >= 2 && hook.hooks.some((h) => JSON.parse(h.body).event === 'job.recovered'), 5000, 'the recovery notice');
    const mail = readableMail(smtp.mails[1]!.raw);
    assert.match(`${mail.headers.subject} ${mail.text}`, /recover/i);
    assert.equal(smtp.mails.length, 2, 'one failure, one recovery');
  });

  it('counts the runs in /metrics, which parses as Prometheus text', async () => {
    const read = async () => {
      const res = await t.service.app.request('/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      assert.equal(res.status, 200);
      return parsePrometheusTextFormat(await res.text());
    };
    const count = (families: Awaited<ReturnType<typeof read>>, outcome: string) =>
      Number(families.find((f) => f.name === 'quickjobs_runs_total')?.metrics.find((m) => m.labels?.job === 'flaky' && m.labels?.outcome === outcome)?.value ?? 0);
    const first = await read();
    assert.ok(count(first, 'error') >= 1);
    const successes = count(first, 'success');
    await t.api('/jobs/flaky/run', { method: 'POST' });
    const second = await read();
    assert.equal(count(second, 'success'), successes + 1, 'the counter moved');
    assert.ok(second.find((f) => f.name === 'quickjobs_run_duration_seconds'));
    assert.ok(second.find((f) => f.name === 'quickjobs_jobs'));
    // Every sandbox thread is idle here and answers: a few MB of V8 heap each.
    const heap = Number(second.find((f) => f.name === 'quickjobs_sandbox_heap_bytes')?.metrics[0]?.value);
    assert.ok(heap > 1_000_000, `sandbox heap ${heap}`);
    const unauthorized = await t.service.app.request('/metrics');
    assert.equal(unauthorized.status, 401);
  });
});
