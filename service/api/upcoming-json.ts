/** The answer of `GET /jobs/:name/upcoming` and `POST /schedule/preview`. */
import type { Upcoming } from '../scheduler/upcoming.js';

const iso = (at: number) => new Date(at).toISOString();

/**
 * `slots`: when it will run. `runs`: the same with the slot each counts as (later than its slot
 * when it waited for its period to open). `skipped`: cadence slots its period leaves out.
 */
export function upcomingJson(upcoming: Upcoming, timezone: string, period: string | null) {
  return {
    timezone,
    period,
    slots: upcoming.runs.map((run) => iso(run.at)),
    runs: upcoming.runs.map((run) => ({ at: iso(run.at), slot: iso(run.scheduledAt) })),
    skipped: upcoming.skipped.map(iso),
  };
}
