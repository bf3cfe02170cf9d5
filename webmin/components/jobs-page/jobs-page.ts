/**
 * `<qj-jobs-page>`: the Jobs Service page: service status (Running / Reloading), Reload, New job,
 * and the jobs table, kept live from the service's event stream without a page reload.
 */
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, ApiError, watchServiceEvents, type Job, type ServiceStatus } from '../../api.js';
import { href } from '../../lib/routes.js';
import { sharedStyles } from '../shared.styles.js';
import { may } from '../../lib/session.js';
import '../jobs-table/jobs-table.js';
import { jobsPageStyles } from './jobs-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-jobs-page': JobsPage;
  }
}

const byName = (a: Job, b: Job): number => a.name.localeCompare(b.name);

@customElement('qj-jobs-page')
export class JobsPage extends LitElement {
  static override styles = [sharedStyles, jobsPageStyles];

  @state() private jobs: Job[] | null = null;
  @state() private status: ServiceStatus | null = null;
  @state() private error = '';
  @state() private reloading = false;
  @state() private periodZones: ReadonlyMap<string, string> = new Map();
  private stopWatching: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Refetch on every (re)connect of the stream: changes made while it was down are not replayed.
    this.stopWatching = watchServiceEvents(
      {
        job: (job) => this.upsert(job),
        jobDeleted: (name) => {
          if (this.jobs) this.jobs = this.jobs.filter((job) => job.name !== name);
        },
        status: (status) => (this.status = status),
      },
      () => void this.load(),
    );
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatching?.();
    this.stopWatching = null;
  }

  private async load(): Promise<void> {
    try {
      const [jobs, status, periods] = await Promise.all([api.listJobs(), api.status(), api.listPeriods().catch(() => [])]);
      const serviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      this.periodZones = new Map(periods.map((p) => [p.name, p.timezone ?? serviceZone]));
      this.jobs = jobs.sort(byName);
      this.status = status;
      this.error = '';
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.error = `The jobs could not be loaded: ${error.message}`;
    }
  }

  private upsert(job: Job): void {
    if (!this.jobs) return;
    const others = this.jobs.filter((existing) => existing.name !== job.name);
    this.jobs = [...others, job].sort(byName);
  }

  private async handleReload(): Promise<void> {
    this.reloading = true;
    this.error = '';
    try {
      this.status = await api.reload();
      this.jobs = (await api.listJobs()).sort(byName);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.error = `Reload failed: ${error.message}`;
    } finally {
      this.reloading = false;
    }
  }

  override render(): TemplateResult {
    const state = this.reloading || this.status?.status === 'reloading' ? 'reloading' : 'running';
    return html`
      <div class="bar">
        <h1>Jobs Service</h1>
        <span class="service" role="status" aria-live="polite">
          <span class="dot ${state}" aria-hidden="true"></span>
          <span data-service-status=${state}>${state === 'reloading' ? 'Reloading' : 'Running'}</span>
          ${this.status
            ? html`<span class="counts">· ${this.status.jobs.total} jobs, ${this.status.jobs.running} running</span>`
            : null}
          ${this.renderNodes()}
        </span>
        <div class="actions">
          ${may('operator')
            ? html`<button class="btn" type="button" @click=${this.handleReload} ?disabled=${this.reloading}
                title="Restart stopped jobs and read the jobs folder again">Reload</button>`
            : null}
          <a class="btn" href=${href({ page: 'periods' })}>Periods</a>
          ${may('editor') ? html`<a class="btn primary" href=${href({ page: 'new' })}>New job</a>` : null}
        </div>
      </div>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : null} ${this.renderJobs()}
    `;
  }

  /** Several nodes on one store: each with whether it is alive, its jobs and its runs in flight. */
  private renderNodes(): TemplateResult | null {
    const nodes = this.status?.nodes;
    if (nodes === undefined || nodes.length < 2) return null;
    return html`<span class="counts" data-nodes>
      · nodes:
      ${nodes.map(
        (node) =>
          html`<span data-node=${node.id} data-alive=${String(node.alive)}
            title="${node.alive ? 'alive' : 'not answering'}; heartbeat ${node.heartbeatAt}; started ${node.startedAt}"
            >${node.alive ? '●' : '○'} ${node.id}${node.id === this.status?.node ? ' (this one)' : ''} (${node.jobs} jobs, ${node.running} running)</span
          > `,
      )}
    </span>`;
  }

  private renderJobs(): TemplateResult {
    if (this.jobs === null) return html`<p class="muted" role="status">Loading jobs…</p>`;
    if (this.jobs.length === 0) {
      return html`<div class="card empty">
        <h2>No jobs yet</h2>
        <p>Create one with <a href=${href({ page: 'new' })}>New job</a>, or put a <code>.js</code> file in the
          service's jobs folder and press Reload.</p>
      </div>`;
    }
    return html`<div class="card table"><qj-jobs-table .jobs=${this.jobs} .periodZones=${this.periodZones}></qj-jobs-table></div>`;
  }
}
