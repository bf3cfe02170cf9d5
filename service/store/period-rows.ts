/** Period rows as both stores keep them: ranges and exclude as JSON text, times epoch ms. */
import type { JobOwner } from '../jobs/types.js';
import type { Period, PeriodPatch, PeriodRange } from '../periods/types.js';
import type { SqlValue } from './rows.js';

export interface PeriodRow {
  name: string;
  description: string;
  timezone: string | null;
  ranges: string;
  exclude: string;
  owner: string;
  source_hash: string | null;
  created_at: number;
  updated_at: number;
}

export const PERIOD_COLUMNS = [
  'name', 'description', 'timezone', 'ranges', 'exclude', 'owner', 'source_hash', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof PeriodRow>;

export function periodToRow(period: Period): PeriodRow {
  return {
    name: period.name,
    description: period.description,
    timezone: period.timezone,
    ranges: JSON.stringify(period.ranges),
    exclude: JSON.stringify(period.exclude),
    owner: period.owner,
    source_hash: period.sourceHash,
    created_at: period.createdAt,
    updated_at: period.updatedAt,
  };
}

export function periodFromRow(row: PeriodRow): Period {
  return {
    name: row.name,
    description: row.description,
    timezone: row.timezone,
    ranges: JSON.parse(row.ranges) as PeriodRange[],
    exclude: JSON.parse(row.exclude) as string[],
    owner: row.owner as JobOwner,
    sourceHash: row.source_hash,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The columns and values a patch sets; undefined fields are skipped. */
export function periodPatchColumns(patch: PeriodPatch): { columns: string[]; values: SqlValue[] } {
  const row: Partial<Record<keyof PeriodRow, SqlValue>> = {};
  if (patch.description !== undefined) row.description = patch.description;
  if (patch.timezone !== undefined) row.timezone = patch.timezone;
  if (patch.ranges !== undefined) row.ranges = JSON.stringify(patch.ranges);
  if (patch.exclude !== undefined) row.exclude = JSON.stringify(patch.exclude);
  if (patch.owner !== undefined) row.owner = patch.owner;
  if (patch.sourceHash !== undefined) row.source_hash = patch.sourceHash;
  if (patch.updatedAt !== undefined) row.updated_at = patch.updatedAt;
  return { columns: Object.keys(row), values: Object.values(row) as SqlValue[] };
}
