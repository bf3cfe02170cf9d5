/**
 * Who is signed in, and what the role lets them do (SPEC §14). The webmin only hides or disables
 * what the role may not do; the API refuses it all the same.
 */
import type { Me, Role } from '../api-types.js';

const ORDER: readonly Role[] = ['viewer', 'operator', 'editor', 'admin'];
let current: Me | null = null;

export function setMe(me: Me | null): void {
  current = me;
}

export function me(): Me | null {
  return current;
}

/** Whether the signed-in user's role includes `needed`. */
export function may(needed: Role): boolean {
  return current !== null && ORDER.indexOf(current.role) >= ORDER.indexOf(needed);
}
