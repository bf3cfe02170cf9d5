/**
 * Time periods (SPEC §12): when a job may run, apart from how often. Times are epoch ms inside the
 * service; the HTTP edge turns them into ISO strings.
 */
import type { JobOwner } from '../jobs/types.js';

/** One stretch of wall-clock time on the given days, in the period's zone. */
export interface PeriodRange {
  /** Weekdays (`"mon"`…`"sun"`) and ISO dates (`"2026-12-24"`), mixed as the user likes. */
  days: string[];
  /** `HH:MM` or `HH:MM:SS`. */
  from: string;
  /** `HH:MM`, `HH:MM:SS` or `24:00`; earlier than `from` means it ends on the next day. */
  to: string;
}

/** What a person sets on a period. */
export interface PeriodSettings {
  description: string;
  /** IANA zone; null means the service zone. */
  timezone: string | null;
  ranges: PeriodRange[];
  /** Names of periods whose time is taken out of this one. */
  exclude: string[];
}

export interface Period extends PeriodSettings {
  name: string;
  owner: JobOwner;
  /** Hash of the periods.json entry it was last read from (folder-owned periods). */
  sourceHash: string | null;
  createdAt: number;
  updatedAt: number;
}

export type PeriodPatch = Partial<Omit<Period, 'name' | 'createdAt'>>;
