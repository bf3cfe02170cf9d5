/**
 * `<qj-alert-list>`: the alerts sent about one job (failure and recovery notices by email and
 * webhook), newest first, with each delivery's state and its last error — so an unreachable
 * target shows here, not only in the service log.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type AlertDelivery } from '../../api.js';
import { localTime, utcTime } from '../../lib/time-format.js';
import { sharedStyles } from '../shared.styles.js';
import { alertListStyles } from './alert-list.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-alert-list': AlertList;
  }
}

const EVENTS: Record<AlertDelivery['event'], string> = { 'job.failed': 'Failure notice', 'job.recovered': 'Recovery notice' };
const STATES: Record<AlertDelivery['state'], string> = { delivered: 'Delivered', pending: 'Retrying', failed: 'Not delivered' };

@customElement('qj-alert-list')
export class AlertList extends LitElement {
  static override styles = [sharedStyles, alertListStyles];

  /** The job whose alerts to show. */
  @property({ attribute: false }) jobName = '';

  @state() private alerts: AlertDelivery[] | null = null;
  @state() private loadError = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('jobName') && this.jobName) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.alerts = await api.listAlerts(this.jobName);
      this.loadError = '';
    } catch (error) {
      this.loadError = `The alerts could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  override render(): TemplateResult {
    if (this.loadError) return html`<p class="error" role="alert">${this.loadError}</p>`;
    if (this.alerts === null) return html`<p class="empty" role="status">Loading alerts…</p>`;
    if (this.alerts.length === 0) return html`<p class="empty">No alerts sent yet. One goes out when the job is stopped by an error, and another when it runs well again.</p>`;
    return html`<ol aria-label="Alerts sent">
      ${this.alerts.map((alert) => {
        const last = alert.attempts.at(-1);
        return html`<li data-state=${alert.state}>
          <span class="state ${alert.state}">${STATES[alert.state]}</span>
          ${EVENTS[alert.event]} by ${alert.channel} to <strong>${alert.target}</strong>
          <div class="meta">
            <time datetime=${alert.createdAt} title=${utcTime(alert.createdAt)}>${localTime(alert.createdAt)}</time>,
            ${alert.attempts.length} ${alert.attempts.length === 1 ? 'attempt' : 'attempts'}
          </div>
          ${last && !last.ok ? html`<p class="error">Last attempt failed: ${last.error ?? `HTTP ${last.status}`}</p>` : nothing}
        </li>`;
      })}
    </ol>`;
  }
}
