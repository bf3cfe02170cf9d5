/**
 * `core.data(source)`: JSON objects kept by the service's own store. Arguments are checked here;
 * what only the store can judge (field paths, JSON-ness) comes back as DataArgumentError (801).
 */
import type { HelperMethod } from '../../sandbox/core-names.js';
import { DataArgumentError, DataQuotaError } from '../store/errors.js';
import type { DataStore } from '../store/data-store.js';
import type { DataPageQuery } from '../store/store.js';
import { isAbsent, isPlainObject, optionalInteger, optionalObject, requireInteger, requireObject, requireString, wrongType } from './args.js';
import type { DataConfig } from './config.js';
import { DataIoError, describeError, QuotaExceededError, TooLargeError, WrongTypeError } from './errors.js';

const SOURCE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_PER_PAGE = 1000;
const DEFAULT_PER_PAGE = 20;
/** Page numbers beyond this would only ask the store for an absurd OFFSET. */
const MAX_PAGE = 1_000_000;
/** The largest object `save` takes (its JSON); a page of them must still fit in one answer to the job. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

export class DataHelper {
  constructor(
    private readonly store: DataStore,
    private readonly config: DataConfig,
  ) {}

  /** `jobName` owns what it saves: its objects count against its quota. */
  async call(name: HelperMethod<'data'>, args: unknown[], jobName: string): Promise<unknown> {
    const source = requireString(args[0], 'source');
    if (!SOURCE_NAME.test(source)) {
      throw new WrongTypeError('source', `source "${source}" must be 1-64 letters, digits, "_", "." or "-"`);
    }
    switch (name) {
      case 'get': {
        const key = args[1];
        if (typeof key === 'string' && key !== '') return this.#guard(() => this.store.dataGet(source, key));
        if (isPlainObject(key)) return this.#guard(() => this.store.dataGet(source, key));
        if (isAbsent(key) || key === '') return requireString(key, 'idOrQuery');
        throw wrongType('idOrQuery', 'an id or an object of fields', key);
      }
      case 'save': {
        const given = requireObject(args[1], 'object');
        // The guest turns an undefined field into null; an `_id` of null means "no id yet".
        const { _id, ...rest } = given;
        const value = _id === null ? rest : given;
        if (value._id !== undefined && (typeof value._id !== 'string' || value._id === '')) {
          throw new WrongTypeError('object._id', 'object._id must be a non-empty string');
        }
        const bytes = jsonBytes(value);
        if (bytes > MAX_DOCUMENT_BYTES) {
          throw new TooLargeError(`the object is ${bytes} bytes as JSON; core.data keeps objects of at most ${MAX_DOCUMENT_BYTES}`);
        }
        return this.#guard(() => this.store.dataSave(source, value, { job: jobName, quotaBytes: this.config.quotaBytes }));
      }
      case 'delete': {
        const id = requireString(args[1], 'id');
        return this.#guard(() => this.store.dataDelete(source, id));
      }
      case 'getPage': {
        const query = pageQuery(args);
        return this.#guard(() => this.store.dataPage(source, query));
      }
    }
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DataArgumentError) throw new WrongTypeError(error.argument, error.message);
      if (error instanceof DataQuotaError) {
        throw new QuotaExceededError(`${error.message}; delete objects or raise QUICKJOBS_DATA_QUOTA_MB`);
      }
      throw new DataIoError(`data store: ${describeError(error)}`, { cause: error });
    }
  }
}

/** The size of a value's JSON, or 0 if it is not JSON (the store says why). */
function jsonBytes(value: unknown): number {
  try {
    const json = JSON.stringify(value);
    return json.length * 3 <= MAX_DOCUMENT_BYTES ? json.length : Buffer.byteLength(json);
  } catch {
    return 0;
  }
}

/** `getPage(page, perPage?, sort?, query?)`. */
function pageQuery(args: unknown[]): DataPageQuery {
  const page = requireInteger(args[1], 'page', 1, MAX_PAGE);
  const perPage = optionalInteger(args[2], 'perPage', 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE;
  const query = optionalObject(args[4], 'query');
  const sort = parseSort(args[3]);
  return { page, perPage, ...(sort ? { sort } : {}), ...(query ? { query } : {}) };
}

/** A field name (ascending) or `{field: 'asc' | 'desc'}`. */
function parseSort(value: unknown): DataPageQuery['sort'] {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'string' && value !== '') return { field: value, order: 'asc' };
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    const [field, order] = entries[0] ?? [];
    const normal = typeof order === 'string' ? order.toLowerCase() : order;
    if (entries.length === 1 && field && (normal === 'asc' || normal === 'desc')) return { field, order: normal };
  }
  throw wrongType('sort', 'a field name or {field: "asc" | "desc"}', value);
}
