/**
 * `<qj-runs-page>`: every run, filtered by job, outcome, trigger and time. The filters are form
 * fields kept in the address (#/runs?outcome=error…), so a view can be shared; the list follows
 * the service's events. A run opens with its log (live while it runs), code version, who started
 * it, and Cancel while it runs.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, ApiError, watchRun, watchServiceEvents, type Run } from '../../api.js';
import { RUN_OUTCOMES, RUN_TRIGGERS, type RunFilters } from '../../api-types.js';
import { href, navigate } from '../../lib/routes.js';
import { duration, localTime, utcTime, clockTime } from '../../lib/time-format.js';
import { sharedStyles } from '../shared.styles.js';
import { runsPageStyles } from './runs-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-runs-page': RunsPage;
  }
}

const PAGE = 50;
const FIELDS = ['job', 'outcome', 'trigger', 'since', 'until'] as const;
const WHO: Record<string, string> = { webmin: 'the webmin', token: 'an API token' };

/** A `datetime-local` value (the browser's zone) as an ISO instant, and back. */
function toIso(local: string): string {
  return local ? new Date(local).toISOString() : '';
}
function toLocal(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

@customElement('qj-runs-page')
export class RunsPage extends LitElement {
  static override styles = [sharedStyles, runsPageStyles];

  /** The address's query string: the filters and the open run. */
  @property() query = '';
  @state() private runs: Run[] | null = null;
  @state() private more = false;
  @state() private open: Run | null = null;
  @state() private error = '';
  @state() private cancelling = false;
  @state() private rerunning = false;
  private stopWatching: (() => void) | null = null;
  private stopRun: (() => void) | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  private get filters(): RunFilters & { run?: string } {
    const params = new URLSearchParams(this.query);
    const filters: Record<string, string> = {};
    for (const key of [...FIELDS, 'run']) {
      const value = params.get(key);
      if (value) filters[key] = value;
    }
    return filters as RunFilters & { run?: string };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const soon = () => {
      this.refreshTimer ??= setTimeout(() => {
        this.refreshTimer = undefined;
        void this.load();
      }, 500);
    };
    this.stopWatching = watchServiceEvents({ job: soon, jobDeleted: soon, status: () => undefined }, soon);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatching?.();
    this.stopRun?.();
    clearTimeout(this.refreshTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('query')) {
      void this.load();
      void this.openRun(this.filters.run ? Number(this.filters.run) : null);
    }
  }

  private async load(before?: number): Promise<void> {
    const { run: _run, ...filters } = this.filters;
    try {
      const page = await api.findRuns({ ...filters, limit: PAGE, before });
      this.runs = before === undefined ? page : [...(this.runs ?? []), ...page];
      this.more = page.length === PAGE;
      this.error = '';
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.error = `The runs could not be loaded: ${error.message}`;
    }
  }

  private async openRun(id: number | null): Promise<void> {
    this.stopRun?.();
    this.stopRun = null;
    if (id === null || !Number.isInteger(id)) {
      this.open = null;
      return;
    }
    try {
      const run = await api.getRun(id);
      this.open = run;
      if (run.outcome === 'running') {
        this.stopRun = watchRun(id, {
          log: (entry) => {
            if (this.open?.id === id) this.open = { ...this.open, logs: [...this.open.logs, entry] };
          },
          end: (ended) => {
            if (this.open?.id === id) this.open = ended;
            void this.load();
          },
        });
      }
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.error = `Run ${id} could not be loaded: ${error.message}`;
    }
  }

  private apply(event: Event): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const key of FIELDS) {
      let value = String(data.get(key) ?? '').trim();
      if (key === 'since' || key === 'until') value = toIso(value);
      if (value) params.set(key, value);
    }
    navigate({ page: 'runs', query: params.toString() });
  }

  private linkTo(run: number | null): string {
    const params = new URLSearchParams(this.query);
    if (run === null) params.delete('run');
    else params.set('run', String(run));
    return href({ page: 'runs', query: params.toString() });
  }

  private async cancel(): Promise<void> {
    const run = this.open;
    if (!run) return;
    this.cancelling = true;
    try {
      this.open = await api.cancelRun(run.id);
    } catch (error) {
      if (error instanceof ApiError) this.error = `Run ${run.id} could not be cancelled: ${error.message}`;
      this.open = await api.getRun(run.id).catch(() => run);
    } finally {
      this.cancelling = false;
      void this.load();
    }
  }

  /** Runs the open run again (its params and code version; `latest`: the current code) and opens the new run. */
  private async rerun(latest: boolean): Promise<void> {
    const run = this.open;
    if (!run) return;
    this.rerunning = true;
    this.error = '';
    try {
      const again = await api.rerun(run.id, latest);
      const query = new URLSearchParams(this.query);
      query.set('run', String(again.id));
      navigate({ page: 'runs', query: query.toString() });
    } catch (error) {
      this.error = `Run ${run.id} could not be run again: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.rerunning = false;
      void this.load();
    }
  }

  override render(): TemplateResult {
    const f = this.filters;
    return html`
      <h1>Runs</h1>
      <form class="filters" @submit=${this.apply} aria-label="Filter the runs">
        <div><label for="f-job">Job</label><input id="f-job" name="job" .value=${f.job ?? ''} autocomplete="off" /></div>
        <div>
          <label for="f-outcome">Outcome</label>
          <select id="f-outcome" name="outcome">
            <option value="">any</option>
            ${RUN_OUTCOMES.map((o) => html`<option value=${o} ?selected=${f.outcome === o}>${o}</option>`)}
          </select>
        </div>
        <div>
          <label for="f-trigger">Trigger</label>
          <select id="f-trigger" name="trigger">
            <option value="">any</option>
            ${RUN_TRIGGERS.map((t) => html`<option value=${t} ?selected=${f.trigger === t}>${t}</option>`)}
          </select>
        </div>
        <div><label for="f-since">Started from</label><input id="f-since" name="since" type="datetime-local" .value=${toLocal(f.since)} /></div>
        <div><label for="f-until">Started before</label><input id="f-until" name="until" type="datetime-local" .value=${toLocal(f.until)} /></div>
        <div class="actions">
          <button class="btn primary" type="submit">Filter</button>
          <a class="btn" href=${href({ page: 'runs', query: '' })}>Clear</a>
        </div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="split">
        <section aria-label="Runs found">${this.renderList()}</section>
        ${this.open ? this.renderDetail(this.open) : nothing}
      </div>
    `;
  }

  private renderList(): TemplateResult {
    if (this.runs === null) return html`<p class="empty">Loading…</p>`;
    if (this.runs.length === 0) return html`<p class="empty">No runs match these filters.</p>`;
    return html`<div class="table-scroll"><table>
        <thead><tr><th scope="col">Run</th><th scope="col">Job</th><th scope="col">Outcome</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">Trigger</th></tr></thead>
        <tbody>
          ${this.runs.map(
            (run) => html`<tr data-run=${run.id} class=${this.open?.id === run.id ? 'selected' : ''}>
              <td><a href=${this.linkTo(run.id)} aria-label="Open run ${run.id}">#${run.id}</a></td>
              <td>${run.job}</td>
              <td><span class="outcome ${run.outcome}">${run.outcome}</span></td>
              <td><time datetime=${run.startedAt} title=${utcTime(run.startedAt)}>${localTime(run.startedAt)}</time></td>
              <td>${duration(run.durationMs)}</td>
              <td>${run.trigger}</td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      ${this.more ? html`<button class="btn" type="button" @click=${() => this.load(this.runs!.at(-1)!.id)}>Older runs</button>` : nothing}`;
  }

  private renderDetail(run: Run): TemplateResult {
    return html`<section class="detail" aria-labelledby="run-title">
      <div class="detail-head">
        <h2 id="run-title">Run #${run.id} of ${run.job}</h2>
        <a class="btn" href=${this.linkTo(null)}>Close</a>
      </div>
      <dl>
        <dt>Outcome</dt><dd><span class="outcome ${run.outcome}" data-outcome=${run.outcome}>${run.outcome}</span>${run.result ? ` (${run.result})` : ''}</dd>
        <dt>Started</dt><dd>${localTime(run.startedAt)}${run.scheduledAt ? html`, slot ${localTime(run.scheduledAt)}` : ''}</dd>
        <dt>Took</dt><dd>${run.durationMs === null ? 'still running' : duration(run.durationMs)}</dd>
        <dt>Trigger</dt><dd>${run.trigger}</dd>
        <dt>Started by</dt><dd>${run.by ? WHO[run.by] : 'the scheduler'}</dd>
        ${run.cancelledBy ? html`<dt>Cancelled by</dt><dd>${WHO[run.cancelledBy]}</dd>` : nothing}
        ${run.params && Object.keys(run.params).length > 0
          ? html`<dt>Params</dt><dd><code class="params">${JSON.stringify(run.params)}</code></dd>`
          : nothing}
        <dt>Code</dt><dd>${run.codeVersion === null ? 'an unsaved draft' : html`<a href=${href({ page: 'code', name: run.job })}>version ${run.codeVersion}</a>`}</dd>
      </dl>
      ${run.outcome === 'running'
        ? html`<button class="btn danger" type="button" ?disabled=${this.cancelling} @click=${this.cancel}>${this.cancelling ? 'Cancelling…' : 'Cancel run'}</button>`
        : html`<div class="rerun">
            ${run.codeVersion === null
              ? nothing
              : html`<button class="btn rerun-same" type="button" ?disabled=${this.rerunning} @click=${() => this.rerun(false)}>Rerun</button>`}
            <button class="btn rerun-latest" type="button" ?disabled=${this.rerunning} @click=${() => this.rerun(true)}>Rerun with the current code</button>
          </div>`}
      ${run.error ? html`<p class="error">${run.error.line ? `Line ${run.error.line}: ` : ''}${run.error.message}</p>` : nothing}
      <h3>Log</h3>
      ${run.logs.length === 0
        ? html`<p class="empty">${run.outcome === 'running' ? 'Waiting for log lines…' : 'The run logged nothing.'}</p>`
        : html`<div class="log" role="log" aria-label="Log of run ${run.id}" tabindex="0">${run.logs.map(
            (entry) => html`<div class=${entry.level}><time datetime=${entry.at}>${clockTime(entry.at)}</time> ${entry.message}</div>`,
          )}</div>`}
    </section>`;
  }
}
