/**
 * `periods.json` in the jobs folder: a list of periods `[{name, description?, timezone?, ranges,
 * exclude?}]`, kept in step with the same ownership rule as jobs (SPEC §7): created and updated
 * from the file, deleted when their entry goes, until someone edits one through the API or webmin.
 *
 * The sync runs in two steps around the jobs' sync: `upsert` before (jobs may name the periods),
 * `remove` after (jobs that named a removed period may have gone with their files).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidFieldError } from '../jobs/errors.js';
import { PeriodInUseError } from '../periods/errors.js';
import { type PeriodFieldsInput, parsePeriodFields } from '../periods/period-input.js';
import type { PeriodService } from '../periods/period-service.js';
import type { SyncLog } from './types.js';

export const PERIODS_FILE = 'periods.json';

export interface PeriodsFile {
  periods: Array<{ fields: PeriodFieldsInput; sourceHash: string }>;
  /** Null when the file was read whole (or is absent); otherwise why it was not, and nothing is deleted. */
  problem: string | null;
}

/** Reads and validates periods.json; an absent file is an empty list. */
export async function readPeriodsFile(folder: string): Promise<PeriodsFile> {
  let text: string;
  try {
    text = await readFile(join(folder, PERIODS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { periods: [], problem: null };
    return { periods: [], problem: `cannot read ${PERIODS_FILE}: ${(error as Error).message}` };
  }
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (error) {
    return { periods: [], problem: `${PERIODS_FILE} is not valid JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(list)) return { periods: [], problem: `${PERIODS_FILE} must hold a list of periods` };
  const periods: PeriodsFile['periods'] = [];
  for (const [i, entry] of list.entries()) {
    const parsed = parsePeriodFields(entry, 'create');
    if (!parsed.ok) return { periods: [], problem: `${PERIODS_FILE} entry ${i}: ${parsed.field}: ${parsed.message}` };
    const sourceHash = createHash('sha256').update(JSON.stringify(parsed.value)).digest('hex').slice(0, 32);
    periods.push({ fields: parsed.value, sourceHash });
  }
  return { periods, problem: null };
}

export async function syncPeriodsFolder(service: PeriodService, folder: string, log: SyncLog, step: 'upsert' | 'remove'): Promise<void> {
  const file = await readPeriodsFile(folder);
  if (file.problem !== null) {
    if (step === 'upsert') log.warn({ file: PERIODS_FILE }, `jobs folder: ${file.problem}`);
    return;
  }
  const existing = new Map((await service.list()).map((p) => [p.name, p]));
  if (step === 'remove') {
    const listed = new Set(file.periods.map((p) => p.fields.name));
    for (const period of existing.values()) {
      if (period.owner !== 'folder' || listed.has(period.name)) continue;
      try {
        await service.remove(period.name);
        log.info({ period: period.name }, 'jobs folder: deleted a period whose entry is gone');
      } catch (error) {
        if (!(error instanceof PeriodInUseError)) throw error;
        log.warn({ period: period.name }, `jobs folder: ${error.message}, so it is kept`);
      }
    }
    return;
  }
  // Periods may exclude periods listed after them: apply in passes until nothing more goes in.
  let pending = file.periods.filter(({ fields, sourceHash }) => {
    const current = existing.get(fields.name);
    if (current?.owner === 'user') {
      log.warn({ period: fields.name }, `period "${fields.name}" was edited through the API or webmin, so its ${PERIODS_FILE} entry is ignored`);
      return false;
    }
    return current?.sourceHash !== sourceHash;
  });
  while (pending.length > 0) {
    const failed: typeof pending = [];
    let lastError: unknown = null;
    for (const entry of pending) {
      const source = { owner: 'folder' as const, sourceHash: entry.sourceHash };
      try {
        if (existing.has(entry.fields.name)) await service.update(entry.fields.name, entry.fields, source);
        else await service.create(entry.fields, source);
      } catch (error) {
        if (!(error instanceof InvalidFieldError)) throw error;
        failed.push(entry);
        lastError = error;
      }
    }
    if (failed.length === pending.length) {
      for (const entry of failed) log.warn({ period: entry.fields.name }, `jobs folder: period "${entry.fields.name}" not applied: ${(lastError as Error).message}`);
      return;
    }
    pending = failed;
  }
}
