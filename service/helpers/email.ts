/**
 * `core.email`: the guest builds the message with its chainable builder and sends one plain
 * object; this side checks it and hands it to nodemailer over QUICKJOBS_SMTP_URL.
 */
import type { SendMailOptions, Transporter } from 'nodemailer';

import type { Held } from '../jobs/held.js';
import type { HostCallContext } from '../../sandbox/types.js';
import { isAbsent, optionalString, requireObject, wrongType } from './args.js';
import type { EmailConfig } from './config.js';
import { RUN_ENDED } from './deadline.js';
import { parseAddress } from './email-address.js';
import {
  BadAddressError,
  describeError,
  EmailNotConfiguredError,
  EmailNotSentError,
  MissingArgumentError,
} from './errors.js';

export interface SendInfo {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** Bounds a message a job may build from data gone wrong. */
const MAX_RECIPIENTS = 100;

export class EmailHelper {
  #transport: Transporter | null = null;

  constructor(private readonly config: EmailConfig) {}

  /** `held`: a safe draft's list; the message is checked as for sending, then kept there instead. */
  async send(args: unknown[], context: HostCallContext, held?: Held): Promise<SendInfo> {
    const message = requireObject(args[0], 'message');
    const to = addresses(message.to, 'to');
    const cc = addresses(message.cc, 'cc');
    const bcc = addresses(message.bcc, 'bcc');
    const from = optionalString(message.from, 'from') ?? this.config.from;
    const replyTo = optionalString(message.replyTo, 'replyTo');
    const subject = optionalString(message.subject, 'subject');
    const text = optionalString(message.text, 'text');
    const html = optionalString(message.html, 'html');
    if (to.length + cc.length + bcc.length === 0) {
      throw new MissingArgumentError('to', 'at least one recipient (to, cc or bcc) is required');
    }
    if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
      throw wrongType('to', `at most ${MAX_RECIPIENTS} recipients`, to);
    }
    if (!this.config.url) throw new EmailNotConfiguredError();
    if (!from) throw new MissingArgumentError('from', 'from is required: call from() or set QUICKJOBS_MAIL_FROM');
    checkAddress(from, 'from');
    if (replyTo !== undefined) checkAddress(replyTo, 'replyTo');

    if (held) {
      held.emails.push({ from, to, cc, bcc, replyTo: replyTo ?? null, subject: subject ?? '(no subject)', text: text ?? null, html: html ?? null });
      return { messageId: 'held-by-draft', accepted: [...to, ...cc, ...bcc], rejected: [] };
    }
    // Newer nodemailer honours `signal` per send; its typings do not know the field yet.
    const mail: SendMailOptions & { signal: AbortSignal } = {
      from,
      to,
      cc,
      bcc,
      replyTo,
      subject: subject ?? '(no subject)',
      text,
      html,
      signal: context.signal,
    };
    try {
      const info = (await (await this.#transportFor(this.config.url)).sendMail(mail)) as {
        messageId?: unknown;
        accepted?: unknown[];
        rejected?: unknown[];
      };
      return { messageId: String(info.messageId ?? ''), accepted: asStrings(info.accepted), rejected: asStrings(info.rejected) };
    } catch (error) {
      if (context.signal.aborted) throw new EmailNotSentError(RUN_ENDED, { cause: error });
      throw new EmailNotSentError(describeError(error), { cause: error });
    }
  }

  close(): Promise<void> {
    this.#transport?.close();
    this.#transport = null;
    return Promise.resolve();
  }

  /** nodemailer loads at the first send: every sandbox thread builds these helpers, and most never mail. */
  async #transportFor(url: string): Promise<Transporter> {
    const { createTransport } = await import('nodemailer');
    this.#transport ??= createTransport({
      url,
      connectionTimeout: this.config.timeoutMs,
      greetingTimeout: this.config.timeoutMs,
      socketTimeout: this.config.timeoutMs,
    } as Parameters<typeof createTransport>[0]);
    return this.#transport;
  }
}

/** A list (or one string) of addresses; each checked so nothing malformed reaches the envelope. */
function addresses(value: unknown, field: string): string[] {
  if (isAbsent(value)) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw wrongType(field, 'an address or a list of addresses', value);
  return list.map((item, i) => {
    if (typeof item !== 'string') throw wrongType(`${field}[${i}]`, 'a string', item);
    checkAddress(item, field);
    return item.trim();
  });
}

function checkAddress(value: string, field: string): void {
  if (!parseAddress(value)) throw new BadAddressError(field, value);
}

function asStrings(list: unknown[] | undefined): string[] {
  return (list ?? []).map((a) =>
    typeof a === 'string' ? a : typeof a === 'object' && a !== null && 'address' in a ? String(a.address) : String(a),
  );
}
