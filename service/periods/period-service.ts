/**
 * The one way the API and the jobs folder read and change periods. Every change goes: fields
 * validated at the edge, the whole set compiled (unknown excludes and loops refused), the store
 * written, then `publish` hands the compiled set to the scheduler, so jobs that use a period (or
 * a period that excludes it) are planned anew at once. A change made elsewhere (another node)
 * reaches this node through `refresh`.
 */
import { InvalidFieldError } from '../jobs/errors.js';
import type { JobOwner } from '../jobs/types.js';
import { compilePeriods, type CompiledPeriod, PeriodGraphError, type PeriodDefinition } from '../scheduler/period-compile.js';
import { type Interval, openings } from '../scheduler/period-math.js';
import { PeriodNotFoundError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { PeriodInUseError } from './errors.js';
import type { PeriodFieldsInput } from './period-input.js';
import type { Period, PeriodPatch } from './types.js';

/** Where a change comes from; a person's edit makes the period theirs (as with jobs, SPEC §7). */
export interface PeriodChangeSource {
  owner: JobOwner;
  sourceHash: string | null;
}

const PERSON: PeriodChangeSource = { owner: 'user', sourceHash: null };
export const MAX_OPENINGS = 50;

export interface PeriodServiceOptions {
  store: Store;
  /** Takes every period, compiled; the scheduler's setPeriods. */
  publish: (periods: ReadonlyMap<string, CompiledPeriod>) => void;
  /** After this service changed a period in the store (tells the other nodes of a cluster). */
  onChange?: () => void;
  timeZone: string;
  now?: () => number;
}

export class PeriodService {
  private readonly now: () => number;
  private compiled: ReadonlyMap<string, CompiledPeriod> = new Map();

  constructor(private readonly options: PeriodServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Reads every period from the store and publishes them (boot, reload, a change on another node). */
  async refresh(): Promise<void> {
    const periods = await this.options.store.listPeriods();
    // What the store holds passed these checks when it was written; a bad set would only come
    // from a hand edit, and then jobs run unlimited rather than the service failing to start.
    try {
      this.compiled = compilePeriods(periods, this.options.timeZone);
    } catch {
      this.compiled = compileEach(periods, this.options.timeZone);
    }
    this.options.publish(this.compiled);
  }

  private async changed(): Promise<void> {
    await this.refresh();
    this.options.onChange?.();
  }

  list(): Promise<Period[]> {
    return this.options.store.listPeriods();
  }

  async get(name: string): Promise<Period> {
    const period = await this.options.store.getPeriod(name);
    if (!period) throw new PeriodNotFoundError(name);
    return period;
  }

  async create(fields: PeriodFieldsInput, source: PeriodChangeSource = PERSON): Promise<Period> {
    await this.check(fields);
    const now = this.now();
    const period = await this.options.store.createPeriod({ ...fields, ...source, createdAt: now, updatedAt: now });
    await this.changed();
    return period;
  }

  /** A full replacement of the settings given (PUT); fields left out keep their value. */
  async update(name: string, fields: Partial<PeriodFieldsInput>, source: PeriodChangeSource = PERSON): Promise<Period> {
    if (fields.name !== undefined && fields.name !== name) throw new InvalidFieldError('name', 'a period cannot be renamed; create a new one instead');
    const before = await this.get(name);
    const { name: _same, ...settings } = fields;
    await this.check({ ...before, ...settings });
    const patch: PeriodPatch = { ...settings, ...source, updatedAt: this.now() };
    const period = await this.options.store.updatePeriod(name, patch);
    await this.changed();
    return period;
  }

  /** Refused (PeriodInUseError) while a job or another period names it. */
  async remove(name: string): Promise<void> {
    await this.get(name);
    const [jobs, periods] = await Promise.all([this.options.store.listJobs(), this.options.store.listPeriods()]);
    const usedByJobs = jobs.filter((j) => j.period === name).map((j) => j.name);
    const usedByPeriods = periods.filter((p) => p.exclude.includes(name)).map((p) => p.name);
    if (usedByJobs.length > 0 || usedByPeriods.length > 0) throw new PeriodInUseError(name, usedByJobs, usedByPeriods);
    await this.options.store.deletePeriod(name);
    await this.changed();
  }

  /** Whether a period of that name exists now (a job's `period` must name one). */
  has(name: string): boolean {
    return this.compiled.has(name);
  }

  /** The period as the scheduler uses it. */
  compiledPeriod(name: string): CompiledPeriod | null {
    return this.compiled.get(name) ?? null;
  }

  /** The next `n` stretches when the named period is inside, from now. */
  async openings(name: string, n: number): Promise<Interval[]> {
    await this.get(name);
    return openings(this.compiled.get(name)!, this.now(), Math.min(n, MAX_OPENINGS));
  }

  /** The same for a period not saved (or an edit not saved yet), compiled with the saved ones it excludes. */
  async preview(fields: PeriodFieldsInput, n: number): Promise<Interval[]> {
    const compiled = await this.check(fields);
    return openings(compiled, this.now(), Math.min(n, MAX_OPENINGS));
  }

  /** Compiles the saved periods with `candidate` in its place; 422 for an unknown exclude or a loop. */
  private async check(candidate: PeriodDefinition): Promise<CompiledPeriod> {
    const others = (await this.options.store.listPeriods()).filter((p) => p.name !== candidate.name);
    try {
      return compilePeriods([candidate, ...others], this.options.timeZone).get(candidate.name)!;
    } catch (error) {
      if (error instanceof PeriodGraphError) throw new InvalidFieldError(error.field, error.message);
      throw error;
    }
  }
}

/** Each period on its own, dropping excludes that do not resolve: a fallback for a store edited by hand. */
function compileEach(periods: readonly Period[], timeZone: string): Map<string, CompiledPeriod> {
  const out = new Map<string, CompiledPeriod>();
  for (const period of periods) out.set(period.name, compilePeriods([{ ...period, exclude: [] }], timeZone).get(period.name)!);
  return out;
}
