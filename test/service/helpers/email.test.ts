import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { createHelperHost, type HelperHost } from '../../../service/helpers/index.js';
import type { Store } from '../../../service/store/store.js';
import { closedPort, context, helperConfig } from './fixtures.js';
import { startSmtp, type SmtpFixture } from './smtp-fixture.js';

const noStore = {} as Store;

function message(fields: Record<string, unknown>): Record<string, unknown> {
  return { to: [], cc: [], bcc: [], from: null, replyTo: null, subject: null, text: null, html: null, ...fields };
}

describe('core.email over SMTP', () => {
  let smtp: SmtpFixture;
  let host: HelperHost;

  before(async () => {
    smtp = await startSmtp();
    host = createHelperHost(helperConfig({ QUICKJOBS_SMTP_URL: smtp.url, QUICKJOBS_MAIL_FROM: 'Jobs <jobs@example.com>' }), {
      store: noStore,
    });
  });

  after(async () => {
    await host.close();
    await smtp.close();
  });

  it('sends a message with its headers, recipients and body', async () => {
    const [info, err, code] = await host.call(
      'email.send',
      [
        message({
          to: ['boss@example.com'],
          cc: ['cc@example.com'],
          bcc: ['hidden@example.com'],
          replyTo: 'sales@example.com',
          subject: 'January Daily',
          text: 'Sales today were: $42',
          html: '<p>Sales today were: <b>$42</b></p>',
        }),
      ],
      context(),
    );
    assert.deepEqual([err, code], [null, null]);
    const sent = info as { messageId: string; accepted: string[]; rejected: string[] };
    assert.match(sent.messageId, /^<.+@.+>$/);
    assert.deepEqual(sent.accepted.sort(), ['boss@example.com', 'cc@example.com', 'hidden@example.com']);
    assert.deepEqual(sent.rejected, []);

    const mail = smtp.received.at(-1)!;
    assert.equal(mail.from, 'jobs@example.com');
    assert.deepEqual(mail.to.sort(), ['boss@example.com', 'cc@example.com', 'hidden@example.com']);
    assert.match(mail.raw, /^From: Jobs <jobs@example\.com>\r$/m);
    assert.match(mail.raw, /^To: boss@example\.com\r$/m);
    assert.match(mail.raw, /^Cc: cc@example\.com\r$/m);
    assert.match(mail.raw, /^Reply-To: sales@example\.com\r$/m);
    assert.match(mail.raw, /^Subject: January Daily\r$/m);
    assert.doesNotMatch(mail.raw, /hidden@example\.com/);
    assert.match(mail.raw, /Sales today were: \$42/);
    assert.match(mail.raw, /<b>\$42<\/b>/);
  });

  it('uses the message sender over QUICKJOBS_MAIL_FROM, and "(no subject)" by default', async () => {
    const [, err] = await host.call('email.send', [message({ to: ['a@example.com'], from: 'me@example.org', text: 'hi' })], context());
    assert.equal(err, null);
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.from, 'me@example.org');
    assert.match(mail.raw, /^Subject: \(no subject\)\r$/m);
  });

  it('reports a recipient the server refuses while the others get the message', async () => {
    const [info, err] = await host.call('email.send', [message({ to: ['ok@example.com', 'refused@example.com'], text: 'x' })], context());
    assert.equal(err, null);
    assert.deepEqual((info as { rejected: string[] }).rejected, ['refused@example.com']);
    assert.deepEqual(smtp.received.at(-1)!.to, ['ok@example.com']);
  });

  it('answers 701 with the server message when every recipient is refused', async () => {
    const count = smtp.received.length;
    const [result, err, code] = await host.call('email.send', [message({ to: ['refused@example.com'], text: 'x' })], context());
    assert.deepEqual([result, code], [null, 701]);
    assert.match(err!, /mailbox refused@example\.com unavailable/);
    assert.equal(smtp.received.length, count);
  });

  it('answers 704 for an invalid address before sending anything', async () => {
    const count = smtp.received.length;
    for (const fields of [
      { to: ['not-an-address'] },
      { to: ['a@example.com'], cc: ['b@@example.com'] },
      { to: ['a@example.com'], bcc: ['x@example.com\r\nBcc: victim@example.com'] },
      { to: ['a@example.com'], from: 'nobody' },
      { to: ['a@example.com'], replyTo: 'a@b' },
    ]) {
      const [, err, code] = await host.call('email.send', [message({ text: 'x', ...fields })], context());
      assert.equal(code, 704, JSON.stringify(fields));
      assert.match(err!, /not a valid email address/);
    }
    assert.equal(smtp.received.length, count);
  });

  it('answers 804 without a recipient and 801 for wrong types', async () => {
    assert.equal((await host.call('email.send', [message({ text: 'x' })], context()))[2], 804);
    assert.equal((await host.call('email.send', [], context()))[2], 804);
    assert.equal((await host.call('email.send', ['boss@example.com'], context()))[2], 801);
    assert.equal((await host.call('email.send', [message({ to: [42] })], context()))[2], 801);
    assert.equal((await host.call('email.send', [message({ to: ['a@example.com'], subject: 5 })], context()))[2], 801);
    assert.equal((await host.call('email.send', [message({ to: ['a@example.com'], text: { x: 1 } })], context()))[2], 801);
  });
});

describe('core.email when it cannot send', () => {
  it('answers 702 when QUICKJOBS_SMTP_URL is not set', async () => {
    const host = createHelperHost(helperConfig({ QUICKJOBS_MAIL_FROM: 'jobs@example.com' }), { store: noStore });
    const [, err, code] = await host.call('email.send', [message({ to: ['a@example.com'], text: 'x' })], context());
    assert.equal(code, 702);
    assert.match(err!, /QUICKJOBS_SMTP_URL/);
  });

  it('answers 804 without any sender', async () => {
    const host = createHelperHost(helperConfig({ QUICKJOBS_SMTP_URL: 'smtp://127.0.0.1:1' }), { store: noStore });
    const [, err, code] = await host.call('email.send', [message({ to: ['a@example.com'], text: 'x' })], context());
    assert.equal(code, 804);
    assert.match(err!, /QUICKJOBS_MAIL_FROM/);
  });

  it('answers 701 when the server refuses the connection', async () => {
    const port = await closedPort();
    const host = createHelperHost(helperConfig({ QUICKJOBS_SMTP_URL: `smtp://127.0.0.1:${port}`, QUICKJOBS_MAIL_FROM: 'j@example.com' }), {
      store: noStore,
    });
    const [, err, code] = await host.call('email.send', [message({ to: ['a@example.com'], text: 'x' })], context());
    assert.equal(code, 701);
    assert.match(err!, /ECONNREFUSED/);
    await host.close();
  });

  it('answers 701 within QUICKJOBS_SMTP_TIMEOUT when the server never greets', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const host = createHelperHost(
      helperConfig({ QUICKJOBS_SMTP_URL: `smtp://127.0.0.1:${port}`, QUICKJOBS_MAIL_FROM: 'j@example.com', QUICKJOBS_SMTP_TIMEOUT: '0.3' }),
      { store: noStore },
    );
    try {
      const started = Date.now();
      const [, , code] = await host.call('email.send', [message({ to: ['a@example.com'], text: 'x' })], context());
      assert.equal(code, 701);
      assert.ok(Date.now() - started < 5000);
    } finally {
      await host.close();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
