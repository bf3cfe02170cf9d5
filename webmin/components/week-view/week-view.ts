/**
 * `<qj-week-view>`: when a period is inside over the next 7 days, drawn as one bar per day in the
 * period's own zone, with the same stretches as text for screen readers.
 */
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PeriodInterval } from '../../api-types.js';
import { sharedStyles } from '../shared.styles.js';
import { weekViewStyles } from './week-view.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-week-view': WeekView;
  }
}

const DAY_MINUTES = 1440;
const DAY_MS = 86_400_000;

interface Wall {
  /** Days since 1970-01-01 of the wall date. */
  day: number;
  minute: number;
}

/** The wall date and minute of an instant in `timeZone`. */
function wallOf(instant: number, timeZone: string): Wall {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { day: Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / DAY_MS, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/** Each day's inside stretches as [start, end) minutes of its wall clock, for `days` days from `first`. */
export function daySegments(intervals: PeriodInterval[], timeZone: string, first: number, days: number): Array<Array<[number, number]>> {
  const rows: Array<Array<[number, number]>> = Array.from({ length: days }, () => []);
  const add = (day: number, start: number, end: number) => {
    const row = rows[day - first];
    if (row && end > start) row.push([start, end]);
  };
  for (const interval of intervals) {
    const from = wallOf(Date.parse(interval.from), timeZone);
    const to = interval.to === null ? { day: first + days, minute: 0 } : wallOf(Date.parse(interval.to), timeZone);
    if (from.day === to.day) {
      add(from.day, from.minute, to.minute);
      continue;
    }
    add(from.day, from.minute, DAY_MINUTES);
    for (let day = from.day + 1; day < to.day && day < first + days; day++) add(day, 0, DAY_MINUTES);
    add(to.day, 0, to.minute);
  }
  return rows;
}

@customElement('qj-week-view')
export class WeekView extends LitElement {
  static override styles = [sharedStyles, weekViewStyles];

  /** When the period is inside, from now on (at least the next 7 days' worth). */
  @property({ attribute: false }) intervals: PeriodInterval[] = [];
  /** The period's zone: the days and hours drawn are its wall clock. */
  @property() timeZone = 'UTC';
  /** The moment the week starts from (ms); defaults to now. */
  @property({ type: Number }) from = 0;

  override render(): TemplateResult {
    let zone = this.timeZone;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      zone = 'UTC';
    }
    const first = wallOf(this.from || Date.now(), zone).day;
    const rows = daySegments(this.intervals, zone, first, 7);
    const label = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: 'short' });
    return html`
      <p class="zone">Next 7 days, ${zone} time.</p>
      <div class="hours" aria-hidden="true"><span></span><span class="scale"><span>00</span><span>06</span><span>12</span><span>18</span><span>24</span></span></div>
      <ol>
        ${rows.map((segments, i) => {
          const day = label.format((first + i) * DAY_MS);
          const words = segments.length === 0 ? 'closed' : segments.map(([s, e]) => `${clock(s)}–${clock(e)}`).join(', ');
          return html`<li class="row" data-day=${i}>
            <span class="day">${day}</span>
            <span class="track">
              ${segments.map(([s, e]) => html`<span class="inside" aria-hidden="true" style="left:${(s / DAY_MINUTES) * 100}%;width:${((e - s) / DAY_MINUTES) * 100}%"></span>`)}
              <span class="visually-hidden" data-segments>${words}</span>
            </span>
          </li>`;
        })}
      </ol>
    `;
  }
}
