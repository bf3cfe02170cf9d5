/**
 * What both stores' `core.data` paths share: field names reach SQL only as bound JSON paths, and
 * only after they match a plain dotted path; pages are bounded the same way.
 */
import { DataArgumentError } from './errors.js';

/** `name`, `address.city`, `_id`: letters, digits and underscores, dot-separated. */
export const DATA_FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function jsonPath(field: unknown, argument: string): string {
  if (typeof field !== 'string' || !DATA_FIELD_PATTERN.test(field)) {
    throw new DataArgumentError(argument, `field name ${JSON.stringify(field)} is not a plain dotted path`);
  }
  return `$.${field}`;
}

export function pageBounds(page: unknown, perPage: unknown): { limit: number; offset: number } {
  if (!Number.isSafeInteger(page) || (page as number) < 1) {
    throw new DataArgumentError('page', 'page must be a whole number from 1');
  }
  if (!Number.isSafeInteger(perPage) || (perPage as number) < 1) {
    throw new DataArgumentError('perPage', 'perPage must be a whole number from 1');
  }
  return { limit: perPage as number, offset: ((page as number) - 1) * (perPage as number) };
}
