/** `GET /stats`'s answer, shaped from the store's aggregates (SPEC §9). */
import { RUN_OUTCOMES, type RunOutcomeName } from '../jobs/types.js';
import type { PeriodFigures, StoreStats } from '../store/run-stats.js';

const DAY_MS = 86_400_000;

/** How a run can end; the rollups count ended runs only (runs in flight are `inFlight`). */
const ENDED: readonly RunOutcomeName[] = RUN_OUTCOMES.filter((outcome) => outcome !== 'queued' && outcome !== 'running');

/** Outcomes a success rate is out of: runs that ended on their own (not cancelled, not cut by a restart). */
const RATED: readonly RunOutcomeName[] = ['success', 'error', 'timeout'];

function periodJson(figures: PeriodFigures) {
  const count = (outcome: RunOutcomeName) => figures.byOutcome[outcome] ?? 0;
  const rated = RATED.reduce((sum, outcome) => sum + count(outcome), 0);
  const round = (value: number | null) => (value === null ? null : Math.round(value));
  return {
    runs: ENDED.reduce((sum, outcome) => sum + count(outcome), 0),
    byOutcome: Object.fromEntries(ENDED.map((outcome) => [outcome, count(outcome)])),
    /** Share of successes among runs that succeeded, failed or timed out; null without any. */
    successRate: rated === 0 ? null : count('success') / rated,
    meanDurationMs: round(figures.meanDurationMs),
    p95DurationMs: round(figures.p95DurationMs),
    meanLatenessMs: round(figures.meanLatenessMs),
    p95LatenessMs: round(figures.p95LatenessMs),
  };
}

/** Every day of the period (in the zone the days were cut in) with a count for every outcome, zeros included. */
function daysJson(stats: StoreStats, since: number, until: number, offsetMs: number) {
  const first = Math.floor((since + offsetMs) / DAY_MS);
  const last = Math.floor((until - 1 + offsetMs) / DAY_MS);
  const days = new Map<number, Record<string, number>>();
  for (let day = first; day <= last; day++) days.set(day, Object.fromEntries(ENDED.map((o) => [o, 0])));
  for (const row of stats.perDay) {
    const counts = days.get(row.day);
    if (counts) counts[row.outcome] = (counts[row.outcome] ?? 0) + row.count;
  }
  return [...days].map(([day, outcomes]) => ({ day: new Date(day * DAY_MS).toISOString().slice(0, 10), outcomes }));
}

export function statsJson(stats: StoreStats, range: { since: number; until: number; previousSince: number; offsetMs: number; timeZone: string }) {
  const jobs: Record<string, number> = { total: 0, inactive: 0 };
  for (const row of stats.jobsByStatus) {
    jobs.total = (jobs.total ?? 0) + row.count;
    if (!row.active) jobs.inactive = (jobs.inactive ?? 0) + row.count;
    jobs[row.status] = (jobs[row.status] ?? 0) + row.count;
  }
  return {
    since: new Date(range.since).toISOString(),
    until: new Date(range.until).toISOString(),
    timeZone: range.timeZone,
    jobs,
    days: daysJson(stats, range.since, range.until, range.offsetMs),
    period: periodJson(stats.current),
    previous: { since: new Date(range.previousSince).toISOString(), until: new Date(range.since).toISOString(), ...periodJson(stats.previous) },
    failingMost: stats.failingMost,
    inFlight: stats.inFlight,
  };
}
