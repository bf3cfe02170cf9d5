/**
 * QUICKJOBS_MYSQL_DATABASES enforced by MySQL itself. Job code writes raw SQL (and raw `where`
 * strings), so the only allow-list that holds is the server's: at start the service reads the
 * grants of the helper user and refuses to start when they reach any database outside the list.
 * With QUICKJOBS_MYSQL_GRANTS=warn it starts anyway and says so loudly.
 */
import { ConfigError } from '../config-error.js';
import { mysqlDriver } from '../store/mysql/pool.js';
import type { MysqlConfig } from './config.js';

const NAME = String.raw`(?:\x60(?:[^\x60]|\x60\x60)*\x60|\*|[^\s.\x60]+)`;
const GRANT_ON = new RegExp(String.raw`^GRANT\s+(.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?:\s+BODY)?)\s+)?(${NAME})(?:\.(${NAME}))?\s+TO\s`, 'i');

/** Why one `SHOW GRANTS` line reaches beyond `allowed`, or null when it stays within. */
export function grantReach(line: string, allowed: readonly string[]): string | null {
  const match = GRANT_ON.exec(line);
  if (!match) return /^GRANT\s+PROXY\b/i.test(line) ? 'a PROXY grant' : 'a role, whose privileges are not checked';
  const [, privileges = '', schemaText = '', objectText] = match;
  if (/^USAGE$/i.test(privileges.trim())) return null;
  if (/^PROXY$/i.test(privileges.trim())) return 'a PROXY grant';
  if (schemaText === '*') return 'global privileges (ON *.*)';
  const schema = unquote(schemaText);
  if (objectText === '*') {
    // In a database-level grant, unescaped _ and % are wildcards: `my_db`.* also covers `myXdb`.
    if (/(?<!\\)[_%]/.test(schema)) return `a database pattern \`${schema}\` that matches other databases too (escape it: \`${schema.replace(/(?<!\\)([_%])/g, '\\$1')}\`)`;
    const name = schema.replace(/\\([_%])/g, '$1');
    return allowed.includes(name) ? null : `database \`${name}\``;
  }
  return allowed.includes(schema) ? null : `database \`${schema}\``;
}

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

/** Grants beyond the allow-list, one line each; empty when the user stays within it. */
export function grantsBeyond(lines: readonly string[], allowed: readonly string[]): string[] {
  return lines.flatMap((line) => {
    const reach = grantReach(line, allowed);
    return reach === null ? [] : [`${reach} in: ${line.replace(/\s+IDENTIFIED\s+BY\s+.*$/i, '')}`];
  });
}

/**
 * Reads the helper user's grants and refuses (ConfigError) or warns when they reach beyond
 * QUICKJOBS_MYSQL_DATABASES. Does nothing without a server or an allow-list.
 */
export async function verifyMysqlGrants(config: MysqlConfig, warn: (message: string) => void): Promise<void> {
  const { server, databases } = config;
  if (server === null || databases === null) return;
  const fix = 'grant the user only those databases (docs/OPERATIONS.md), or set QUICKJOBS_MYSQL_GRANTS=warn';
  const problem = (message: string): void => {
    if (config.grants === 'enforce') throw new ConfigError('QUICKJOBS_MYSQL_URL', `${message}; ${fix}`);
    warn(`QUICKJOBS_MYSQL_GRANTS=warn: ${message}; jobs can reach databases outside QUICKJOBS_MYSQL_DATABASES`);
  };
  let lines: string[];
  try {
    lines = await showGrants(config);
  } catch (error) {
    problem(`cannot read the grants of MySQL user "${server.user}" to check QUICKJOBS_MYSQL_DATABASES (${(error as Error).message})`);
    return;
  }
  const beyond = grantsBeyond(lines, databases);
  if (beyond.length > 0) {
    problem(`MySQL user "${server.user}" may reach beyond QUICKJOBS_MYSQL_DATABASES (${databases.join(', ')}): ${beyond.join('; ')}`);
  }
}

async function showGrants(config: MysqlConfig): Promise<string[]> {
  const connection = await mysqlDriver().createConnection({ ...config.server!, connectTimeout: config.timeoutMs });
  try {
    const [rows] = await connection.query({ sql: 'SHOW GRANTS', timeout: config.timeoutMs });
    return (rows as Array<Record<string, string>>).map((row) => String(Object.values(row)[0]));
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}
