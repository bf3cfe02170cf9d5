/**
 * Which raw SQL a safe draft may run: everything its transaction can take back. A statement that
 * would commit by itself (DDL, LOCK TABLES), end the transaction (START TRANSACTION, COMMIT,
 * ROLLBACK, SET autocommit) or reach past it (a procedure, USE, an executable comment that could
 * hide any of these) is refused with code 902 and the reason.
 */
import { DatabaseError } from './errors.js';

const IMPLICIT_COMMIT = 'commits the transaction by itself, so a draft could not take it back; use "Run live" for it';
const ENDS_TRANSACTION = "would end the draft's transaction, which is rolled back for it when the run ends";

const REFUSED: Record<string, string> = {
  CREATE: IMPLICIT_COMMIT,
  ALTER: IMPLICIT_COMMIT,
  DROP: IMPLICIT_COMMIT,
  RENAME: IMPLICIT_COMMIT,
  TRUNCATE: IMPLICIT_COMMIT,
  LOCK: IMPLICIT_COMMIT,
  UNLOCK: IMPLICIT_COMMIT,
  GRANT: IMPLICIT_COMMIT,
  REVOKE: IMPLICIT_COMMIT,
  ANALYZE: IMPLICIT_COMMIT,
  OPTIMIZE: IMPLICIT_COMMIT,
  REPAIR: IMPLICIT_COMMIT,
  CACHE: IMPLICIT_COMMIT,
  FLUSH: IMPLICIT_COMMIT,
  RESET: IMPLICIT_COMMIT,
  PURGE: IMPLICIT_COMMIT,
  INSTALL: IMPLICIT_COMMIT,
  UNINSTALL: IMPLICIT_COMMIT,
  LOAD: IMPLICIT_COMMIT,
  CHANGE: IMPLICIT_COMMIT,
  START: ENDS_TRANSACTION,
  BEGIN: ENDS_TRANSACTION,
  COMMIT: ENDS_TRANSACTION,
  ROLLBACK: ENDS_TRANSACTION,
  RELEASE: ENDS_TRANSACTION,
  XA: ENDS_TRANSACTION,
  CALL: 'runs a procedure, which may commit or change the schema where a draft could not take it back; use "Run live"',
  USE: 'would switch the database under the draft, which holds one transaction per database; name the database in the call instead',
  HANDLER: 'reads outside the transaction; use SELECT',
};

/** Leading blanks, `--`/`#` line comments and ordinary block comments; not `/*!` ones. */
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*(?![!+M])[\s\S]*?\*\/|\()*/;

/** Throws DatabaseError (902) when a draft may not run `sql`; returns its first keyword. */
export function checkDraftSql(sql: string): string {
  if (/\/\*\s*[!+M]/.test(sql)) {
    throw new DatabaseError('a safe draft refuses executable comments (/*! … */): they could hide a statement it could not take back');
  }
  const rest = sql.replace(LEADING, '');
  const verb = /^[A-Za-z]+/.exec(rest)?.[0]?.toUpperCase() ?? '';
  const reason = REFUSED[verb];
  if (reason) throw new DatabaseError(`${verb} ${reason}`);
  if (verb === 'SET' && /\b(?:autocommit|transaction|password|global|persist)\b/i.test(rest)) {
    throw new DatabaseError(`this SET ${ENDS_TRANSACTION.replace('would end', 'could change')} or the server beyond it; a draft refuses it`);
  }
  return verb;
}

/** Statements that change nothing; a draft's held SQL lists the others. */
export function isRead(verb: string): boolean {
  return verb === 'SELECT' || verb === 'SHOW' || verb === 'DESCRIBE' || verb === 'DESC' || verb === 'EXPLAIN' || verb === 'SAVEPOINT';
}

export function firstVerb(sql: string): string {
  return /^[A-Za-z]+/.exec(sql.replace(LEADING, ''))?.[0]?.toUpperCase() ?? '';
}
