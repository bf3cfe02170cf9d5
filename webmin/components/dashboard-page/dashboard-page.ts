/**
 * `<qj-dashboard-page>`: how the service did over 7, 14 or 30 days: jobs by status, runs per day
 * by outcome (a chart, with the same figures as a table), success rate, duration and lateness
 * against the period before, the jobs failing most and the runs in flight, each linking into the
 * Runs page. The chart library loads with this page only.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, ApiError, watchServiceEvents, type Stats } from '../../api.js';
import { ENDED_OUTCOMES, type EndedOutcome, type PeriodStats } from '../../api-types.js';
import { href } from '../../lib/routes.js';
import { duration } from '../../lib/time-format.js';
import { sharedStyles } from '../shared.styles.js';
import { dashboardStyles } from './dashboard-page.styles.js';
import { OUTCOME_COLOURS } from './outcome-colours.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-dashboard-page': DashboardPage;
  }
}

const PERIODS = [7, 14, 30] as const;
type Days = (typeof PERIODS)[number];

const runsLink = (filters: Record<string, string>): string => href({ page: 'runs', query: new URLSearchParams(filters).toString() });

@customElement('qj-dashboard-page')
export class DashboardPage extends LitElement {
  static override styles = [sharedStyles, dashboardStyles];

  @state() private days: Days = 7;
  @state() private stats: Stats | null = null;
  @state() private error = '';
  @state() private chartReady = false;
  private stopWatching: (() => void) | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void import('./outcome-chart.js').then(() => (this.chartReady = true));
    // A job event means a run started or ended: refresh, at most once a second.
    const soon = () => {
      this.refreshTimer ??= setTimeout(() => {
        this.refreshTimer = undefined;
        void this.load();
      }, 1000);
    };
    this.stopWatching = watchServiceEvents({ job: soon, jobDeleted: soon, status: () => undefined });
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatching?.();
    clearTimeout(this.refreshTimer);
  }

  private async load(): Promise<void> {
    try {
      this.stats = await api.stats(this.days);
      this.error = '';
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.error = `The figures could not be loaded: ${error.message}`;
    }
  }

  private choose(event: Event): void {
    this.days = Number((event.target as HTMLSelectElement).value) as Days;
    void this.load();
  }

  override render(): TemplateResult {
    const stats = this.stats;
    return html`
      <div class="head">
        <h1>Dashboard</h1>
        <label for="period">Period</label>
        <select id="period" @change=${this.choose}>
          ${PERIODS.map((d) => html`<option value=${d} ?selected=${d === this.days}>Last ${d} days</option>`)}
        </select>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${stats ? this.renderStats(stats) : html`<p class="empty">Loading…</p>`}
    `;
  }

  private renderStats(stats: Stats): TemplateResult {
    const { period, previous } = stats;
    return html`
      <section class="cards" aria-label="Figures for the period">
        ${this.card('Success rate', percent(period.successRate), change(period.successRate, previous.successRate, true, percentPoints))}
        ${this.card('Mean duration', duration(period.meanDurationMs) || '—', change(period.meanDurationMs, previous.meanDurationMs, false, duration))}
        ${this.card('p95 duration', duration(period.p95DurationMs) || '—', change(period.p95DurationMs, previous.p95DurationMs, false, duration))}
        ${this.card('Mean lateness', duration(period.meanLatenessMs) || '—', change(period.meanLatenessMs, previous.meanLatenessMs, false, duration))}
        ${this.card('p95 lateness', duration(period.p95LatenessMs) || '—', change(period.p95LatenessMs, previous.p95LatenessMs, false, duration))}
        <div class="card">
          <h2>Runs in flight</h2>
          <p class="figure"><a href=${runsLink({ outcome: 'running' })}>${stats.inFlight}</a></p>
          <p class="note">${period.runs} runs in the period, ${previous.runs} in the one before</p>
        </div>
      </section>
      <section aria-labelledby="per-day">
        <h2 id="per-day">Runs per day by outcome</h2>
        <ul class="legend" aria-hidden="true">
          ${ENDED_OUTCOMES.map((o) => html`<li><span class="swatch" data-outcome=${o}></span>${o}</li>`)}
        </ul>
        <figure>
          ${this.chartReady ? html`<qj-outcome-chart .days=${stats.days}></qj-outcome-chart>` : html`<div class="chart-space"></div>`}
          <figcaption>${summary(stats)}</figcaption>
        </figure>
        <details>
          <summary>The chart's figures as a table</summary>
          ${this.dayTable(stats)}
        </details>
      </section>
      <div class="columns">
        <section aria-labelledby="jobs-status">
          <h2 id="jobs-status">Jobs by status</h2>
          <table>
            <tbody>
              ${Object.entries(stats.jobs).map(([status, count]) => html`<tr><th scope="row">${status}</th><td>${count}</td></tr>`)}
            </tbody>
          </table>
          <p><a href=${href({ page: 'jobs' })}>All jobs</a></p>
        </section>
        <section aria-labelledby="failing">
          <h2 id="failing">Failing most</h2>
          ${stats.failingMost.length === 0
            ? html`<p class="empty">No job failed in this period.</p>`
            : html`<ol class="failing">
                ${stats.failingMost.map(
                  (f) => html`<li><a href=${runsLink({ job: f.job, outcome: 'error' })}>${f.job}</a>: ${f.failures} of ${f.runs} runs failed</li>`,
                )}
              </ol>`}
        </section>
      </div>
    `;
  }

  override updated(): void {
    // Swatch colours set through the CSSOM: the CSP allows no inline style attributes.
    for (const swatch of this.renderRoot.querySelectorAll<HTMLElement>('.swatch')) {
      swatch.style.background = OUTCOME_COLOURS[swatch.dataset.outcome as EndedOutcome];
    }
  }

  private card(title: string, value: string, delta: string): TemplateResult {
    return html`<div class="card"><h2>${title}</h2><p class="figure">${value}</p><p class="note">${delta}</p></div>`;
  }

  private dayTable(stats: Stats): TemplateResult {
    return html`<div class="table-scroll"><table class="days">
      <thead><tr><th scope="col">Day</th>${ENDED_OUTCOMES.map((o) => html`<th scope="col">${o}</th>`)}</tr></thead>
      <tbody>
        ${stats.days.map(
          (d) => html`<tr><th scope="row">${d.day}</th>${ENDED_OUTCOMES.map(
            (o) => html`<td>${d.outcomes[o] ? html`<a href=${runsLink({ outcome: o, since: `${d.day}T00:00:00Z`, until: nextDay(d.day) })}>${d.outcomes[o]}</a>` : 0}</td>`,
          )}</tr>`,
        )}
      </tbody>
    </table></div>`;
  }
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().replace('.000', '');
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)} %`;
}

function percentPoints(delta: number): string {
  return `${(delta * 100).toFixed(1)} points`;
}

/** "up 12 ms on the period before (better)" in words, not only colour. */
function change(now: number | null, before: number | null, higherIsBetter: boolean, format: (v: number) => string): string {
  if (now === null || before === null) return 'no figure for the period before';
  const delta = now - before;
  if (Math.abs(delta) < 1e-9) return 'same as the period before';
  const better = delta > 0 === higherIsBetter;
  return `${delta > 0 ? 'up' : 'down'} ${format(Math.abs(delta))} on the period before (${better ? 'better' : 'worse'})`;
}

function summary(stats: Stats): string {
  const total = stats.period.runs;
  const busiest = stats.days.reduce((best, d) => {
    const sum = Object.values(d.outcomes).reduce((a, b) => a + b, 0);
    return sum > best.sum ? { day: d.day, sum } : best;
  }, { day: '', sum: -1 });
  const parts = ENDED_OUTCOMES.filter((o) => stats.period.byOutcome[o] > 0).map((o) => `${stats.period.byOutcome[o]} ${o}`);
  return total === 0
    ? `No runs from ${stats.days[0]?.day ?? ''} to ${stats.days.at(-1)?.day ?? ''}.`
    : `${total} runs from ${stats.days[0]?.day} to ${stats.days.at(-1)?.day} (${parts.join(', ')}); the busiest day was ${busiest.day} with ${busiest.sum}.`;
}

export type { PeriodStats };
