/**
 * `<qj-outcome-chart>`: runs per day as bars stacked by outcome, drawn by uPlot (loaded with the
 * dashboard only). The canvas is hidden from assistive technology; its text alternative is the
 * table the dashboard renders beside it.
 */
import { LitElement, css, html, unsafeCSS, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { RunOutcome, Stats } from '../../api-types.js';
import { OUTCOME_COLOURS, STACK_ORDER } from './outcome-colours.js';
import { UPLOT_CSS } from './uplot-css.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-outcome-chart': OutcomeChart;
  }
}

@customElement('qj-outcome-chart')
export class OutcomeChart extends LitElement {
  static override styles = [unsafeCSS(UPLOT_CSS), css`:host { display: block; min-height: 220px; } .plot { width: 100%; }`];

  @property({ attribute: false }) days: Stats['days'] = [];
  private plot: uPlot | null = null;
  private readonly resize = new ResizeObserver(() => this.plot?.setSize(this.size()));

  override render(): TemplateResult {
    return html`<div class="plot" aria-hidden="true"></div>`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('days')) this.draw();
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.clientWidth), height: 220 };
  }

  private draw(): void {
    this.plot?.destroy();
    const xs = this.days.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000);
    // Stacked: each series is the sum of itself and those below it, drawn tallest first.
    const sums: number[][] = [];
    let running = this.days.map(() => 0);
    for (const outcome of STACK_ORDER) {
      running = running.map((sum, i) => sum + (this.days[i]!.outcomes[outcome] ?? 0));
      sums.push(running);
    }
    const order = STACK_ORDER.map((outcome, i) => ({ outcome, values: sums[i]! })).reverse();
    const bars = uPlot.paths.bars!({ size: [0.7, 48] });
    const target = this.renderRoot.querySelector<HTMLElement>('.plot')!;
    this.plot = new uPlot(
      {
        ...this.size(),
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{ stroke: '#59636e' }, { stroke: '#59636e', size: 44 }],
        series: [
          {},
          ...order.map(({ outcome }) => ({
            label: outcome,
            stroke: OUTCOME_COLOURS[outcome],
            fill: OUTCOME_COLOURS[outcome],
            paths: bars,
            points: { show: false },
          })),
        ],
      },
      [xs, ...order.map(({ values }) => values)],
      target,
    );
  }
}
