/**
 * `core.data` in a safe draft: writes go to a scratch layer over the real store and are dropped
 * when the run ends; reads see the layer first, so the draft reads its own writes. Every write is
 * listed in what the draft held. Queries and pages over a source the draft has written are merged
 * here in memory (from at most MERGE_LIMIT stored objects), with the store's own matching rules.
 */
import { randomUUID } from 'node:crypto';

import type { Held } from '../jobs/held.js';
import { jsonPath } from '../store/data-path.js';
import type { DataStore } from '../store/data-store.js';
import { DataArgumentError } from '../store/errors.js';
import type { DataObject, DataPageQuery } from '../store/store.js';

/** How many stored objects a merged read looks at. */
const MERGE_LIMIT = 10_000;

type Layer = Map<string, DataObject | null>;

export class ScratchDataStore implements Pick<DataStore, 'dataGet' | 'dataSave' | 'dataDelete' | 'dataPage'> {
  readonly #layers = new Map<string, Layer>();

  constructor(
    private readonly store: Pick<DataStore, 'dataGet' | 'dataPage'>,
    private readonly held: Held,
  ) {}

  async dataGet(source: string, idOrQuery: string | Record<string, unknown>): Promise<DataObject | null> {
    const layer = this.#layers.get(source);
    if (typeof idOrQuery === 'string') {
      if (layer?.has(idOrQuery)) return copy(layer.get(idOrQuery) ?? null);
      return this.store.dataGet(source, idOrQuery);
    }
    if (!layer) return this.store.dataGet(source, idOrQuery);
    const [first] = await this.#merged(source, layer, idOrQuery, undefined, 1);
    return first ?? null;
  }

  async dataSave(source: string, value: Record<string, unknown>): Promise<string> {
    const given = value._id;
    if (given !== undefined && (typeof given !== 'string' || given === '')) throw new DataArgumentError('_id', '_id must be a non-empty string');
    const id = given ?? randomUUID();
    let object: DataObject;
    try {
      object = JSON.parse(JSON.stringify({ ...value, _id: id })) as DataObject;
    } catch (error) {
      throw new DataArgumentError('object', `the object is not JSON: ${(error as Error).message}`);
    }
    this.#layer(source).set(id, object);
    this.held.data.push({ source, op: 'save', id, object: copy(object)! });
    return id;
  }

  async dataDelete(source: string, id: string): Promise<boolean> {
    const layer = this.#layer(source);
    const existed = layer.has(id) ? layer.get(id) !== null : (await this.store.dataGet(source, id)) !== null;
    layer.set(id, null);
    if (existed) this.held.data.push({ source, op: 'delete', id });
    return existed;
  }

  async dataPage(source: string, query: DataPageQuery): Promise<DataObject[]> {
    const layer = this.#layers.get(source);
    if (!layer) return this.store.dataPage(source, query);
    const offset = (query.page - 1) * query.perPage;
    const all = await this.#merged(source, layer, query.query, query.sort, offset + query.perPage);
    return all.slice(offset, offset + query.perPage);
  }

  #layer(source: string): Layer {
    let layer = this.#layers.get(source);
    if (!layer) this.#layers.set(source, (layer = new Map()));
    return layer;
  }

  /** The stored matches with the layer applied, sorted as the store sorts, the first `count`. */
  async #merged(source: string, layer: Layer, query: Record<string, unknown> | undefined, sort: DataPageQuery['sort'], count: number): Promise<DataObject[]> {
    if (query) for (const field of Object.keys(query)) jsonPath(field, 'query');
    const stored = await this.store.dataPage(source, { page: 1, perPage: Math.min(MERGE_LIMIT, count + layer.size), ...(query ? { query } : {}), ...(sort ? { sort } : {}) });
    const kept = stored.filter((object) => !layer.has(object._id));
    const added = [...layer.values()].filter((object): object is DataObject => object !== null && (query === undefined || matches(object, query)));
    const all = [...kept, ...added.map((object) => copy(object)!)];
    if (sort) {
      const sign = sort.order === 'desc' ? -1 : 1;
      all.sort((a, b) => sign * compare(pick(a, sort.field), pick(b, sort.field)));
    }
    return all.slice(0, count);
  }
}

function copy(object: DataObject | null): DataObject | null {
  return object === null ? null : (structuredClone(object) as DataObject);
}

function pick(object: unknown, field: string): unknown {
  let value: unknown = object;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** As the store matches: equal JSON type and value; null matches null or missing. */
function matches(object: DataObject, query: Record<string, unknown>): boolean {
  return Object.entries(query).every(([field, want]) => {
    const have = pick(object, field);
    if (want === null) return have === null || have === undefined;
    if (typeof want === 'object') return have !== null && typeof have === 'object' && JSON.stringify(have) === JSON.stringify(want);
    return have === want;
  });
}

/** Missing first, then numbers, then strings, as SQL orders NULL first ascending. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
