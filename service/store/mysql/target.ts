/** What a `mysql://user:pass@host:port/db` URL names, and how to show it without the password. */
import { StoreError } from '../errors.js';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function parseMysqlUrl(url: string): MysqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError('the MySQL store URL is not a URL; expected mysql://user:pass@host:port/db');
  }
  if (parsed.protocol !== 'mysql:') {
    throw new StoreError(`the MySQL store URL must start with mysql://, not ${parsed.protocol}//`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new StoreError(`the MySQL store URL must name one database, as in mysql://user:pass@${parsed.host}/quickjobs`);
  }
  if (parsed.hostname === '') throw new StoreError('the MySQL store URL names no host');
  return {
    // URL keeps the brackets of an IPv6 literal; the driver wants the bare address.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** `user@host:port/db`: enough to tell which store it is in logs and /status, never the password. */
export function describeTarget(target: MysqlTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user === '' ? '' : `${target.user}@`}${host}:${target.port}/${target.database}`;
}
