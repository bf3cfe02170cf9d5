/**
 * `<qj-held-list>`: what a safe draft held instead of doing: the SQL rolled back, the emails not
 * sent, the requests not made and the data not kept, each listed as the draft asked for it.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Held } from '../../api-types.js';
import { sharedStyles } from '../shared.styles.js';
import { heldListStyles } from './held-list.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-held-list': HeldList;
  }
}

@customElement('qj-held-list')
export class HeldList extends LitElement {
  static override styles = [sharedStyles, heldListStyles];

  /** What the draft held. */
  @property({ attribute: false }) held: Held | null = null;

  override render(): TemplateResult {
    const held = this.held;
    if (!held) return html``;
    const count = held.sql.length + held.emails.length + held.requests.length + held.data.length;
    return html`
      <p class="summary" data-held-count=${count}>
        ${count === 0 ? 'The draft ran safe and changed nothing outside itself.' : `The draft ran safe: ${count} side effect${count === 1 ? '' : 's'} held, none done.`}
      </p>
      ${held.error ? html`<p class="alert" role="alert">${held.error}</p>` : nothing}
      ${this.section('SQL rolled back', 'sql', held.sql, (s) => html`<span class="what">${s.db}</span> ${s.sql}${s.params.length ? html` <span class="meta">${JSON.stringify(s.params)}</span>` : nothing} <span class="meta">(${s.affectedRows} row${s.affectedRows === 1 ? '' : 's'})</span>`)}
      ${this.section('Emails not sent', 'emails', held.emails, (m) => html`<span class="what">To ${[...m.to, ...m.cc, ...m.bcc].join(', ')}</span>: ${m.subject}${m.text ? html`\n${m.text}` : nothing}`)}
      ${this.section('Requests not sent', 'requests', held.requests, (r) => html`<span class="what">${r.method}</span> ${r.url}${r.body ? html`\n${r.body}` : nothing}`)}
      ${this.section('Data not kept', 'data', held.data, (d) => html`<span class="what">${d.op}</span> ${d.source}/${d.id}${d.object ? html`\n${JSON.stringify(d.object)}` : nothing}`)}
    `;
  }

  private section<T>(title: string, kind: string, items: T[], line: (item: T) => TemplateResult): TemplateResult | typeof nothing {
    if (items.length === 0) return nothing;
    return html`<h3>${title}</h3><ul data-held=${kind}>${items.map((item) => html`<li>${line(item)}</li>`)}</ul>`;
  }
}
