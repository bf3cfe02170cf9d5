/**
 * The settings the `core.*` helpers read, parsed and defaulted once. A bad value throws
 * ConfigError naming the variable, which stops the service at start.
 */
import { isIP } from 'node:net';

import { ConfigError } from '../config-error.js';
import { parseAddress } from './email-address.js';

export interface MysqlServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface MysqlConfig {
  /** Null when QUICKJOBS_MYSQL_URL is unset: every `core.mysql` call answers 902. */
  server: MysqlServer | null;
  /** Databases jobs may use; null means any database on the server. */
  databases: string[] | null;
  /** Per statement, and for connecting. */
  timeoutMs: number;
  /** Connections per database pool. */
  connectionLimit: number;
  /**
   * QUICKJOBS_MYSQL_GRANTS: `enforce` refuses to start when the user's grants reach beyond
   * `databases`; `warn` starts anyway with a warning.
   */
  grants: 'enforce' | 'warn';
}

export interface EmailConfig {
  /** Null when QUICKJOBS_SMTP_URL is unset: `send()` answers 702. */
  url: string | null;
  /** Default sender. */
  from: string | null;
  /** Connection, greeting and socket timeouts. */
  timeoutMs: number;
}

export interface Cidr {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export interface NetworkConfig {
  /** Hosts (lower case, as written in URLs) and CIDRs exempt from the address policy. */
  allow: { hosts: string[]; cidrs: Cidr[] };
  /** Default per call; a call's own `timeout` replaces it. */
  timeoutMs: number;
  /** Response bodies larger than this fail with 815. */
  maxBytes: number;
  maxRedirects: number;
}

export interface DataConfig {
  /** The most bytes of `core.data` objects one job may hold (the objects it saved last). */
  quotaBytes: number;
}

export interface HelperConfig {
  mysql: MysqlConfig;
  email: EmailConfig;
  network: NetworkConfig;
  data: DataConfig;
}

type Env = Record<string, string | undefined>;

const DATABASE_NAME = /^[A-Za-z0-9_$-]{1,64}$/;
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function list(env: Env, name: string): string[] | undefined {
  const raw = value(env, name);
  return raw?.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Seconds (decimals allowed) in (0, max], answered in milliseconds. */
function seconds(env: Env, name: string, fallback: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback * 1000;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n <= 0 || n > max) {
    throw new ConfigError(name, `must be a number of seconds above 0 and at most ${max}, not "${raw}"`);
  }
  return Math.round(n * 1000);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return n;
}

/** A server URL with one of `schemes` and a host, or null when the variable is unset. */
function serverUrl(env: Env, name: string, schemes: string[], example: string): URL | null {
  const raw = value(env, name);
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL like ${example}`);
  }
  if (!schemes.includes(url.protocol.slice(0, -1))) {
    throw new ConfigError(name, `must start with ${schemes.map((s) => `${s}://`).join(' or ')}, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new ConfigError(name, 'names no host');
  return url;
}

function readMysqlServer(env: Env): MysqlServer | null {
  const name = 'QUICKJOBS_MYSQL_URL';
  const url = serverUrl(env, name, ['mysql', 'mariadb'], 'mysql://user:password@host:3306');
  if (url === null) return null;
  if (!url.username) throw new ConfigError(name, 'names no user');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function readDatabases(env: Env): string[] | null {
  const names = list(env, 'QUICKJOBS_MYSQL_DATABASES');
  if (names === undefined) return null;
  for (const db of names) {
    if (!DATABASE_NAME.test(db)) {
      throw new ConfigError('QUICKJOBS_MYSQL_DATABASES', `"${db}" is not a database name`);
    }
  }
  return names;
}

function readSmtpUrl(env: Env): string | null {
  const url = serverUrl(env, 'QUICKJOBS_SMTP_URL', ['smtp', 'smtps'], 'smtp://user:password@host:587 or smtps://host:465');
  return url === null ? null : value(env, 'QUICKJOBS_SMTP_URL')!;
}

function readFrom(env: Env): string | null {
  const raw = value(env, 'QUICKJOBS_MAIL_FROM');
  if (raw === undefined) return null;
  if (!parseAddress(raw)) throw new ConfigError('QUICKJOBS_MAIL_FROM', `"${raw}" is not an email address`);
  return raw;
}

function parseCidr(entry: string): Cidr | null {
  const [address = '', prefixText, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { network: address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function readAllow(env: Env): NetworkConfig['allow'] {
  const name = 'QUICKJOBS_NETWORK_ALLOW';
  const hosts: string[] = [];
  const cidrs: Cidr[] = [];
  for (const entry of list(env, name) ?? []) {
    const bare = entry.replace(/^\[([^\]]*)\](\/\d+)?$/, '$1$2');
    if (/^[0-9a-fA-F.:]+(\/\d+)?$/.test(bare) && (bare.includes(':') || /^[\d./]+$/.test(bare))) {
      const cidr = parseCidr(bare);
      if (!cidr) throw new ConfigError(name, `"${entry}" is not an address or CIDR`);
      cidrs.push(cidr);
    } else if (HOST_NAME.test(entry.toLowerCase())) {
      hosts.push(entry.toLowerCase().replace(/\.$/, ''));
    } else {
      throw new ConfigError(name, `"${entry}" is not a host name, address or CIDR`);
    }
  }
  return { hosts, cidrs };
}

function readGrantsMode(env: Env): MysqlConfig['grants'] {
  const raw = value(env, 'QUICKJOBS_MYSQL_GRANTS') ?? 'enforce';
  if (raw !== 'enforce' && raw !== 'warn') throw new ConfigError('QUICKJOBS_MYSQL_GRANTS', `must be "enforce" or "warn", not "${raw}"`);
  return raw;
}

export function readHelperConfig(env: Env): HelperConfig {
  return {
    mysql: {
      server: readMysqlServer(env),
      databases: readDatabases(env),
      timeoutMs: seconds(env, 'QUICKJOBS_MYSQL_TIMEOUT', 10, 3600),
      connectionLimit: integer(env, 'QUICKJOBS_MYSQL_CONNECTIONS', 4, 1, 100),
      grants: readGrantsMode(env),
    },
    email: {
      url: readSmtpUrl(env),
      from: readFrom(env),
      timeoutMs: seconds(env, 'QUICKJOBS_SMTP_TIMEOUT', 10, 3600),
    },
    network: {
      allow: readAllow(env),
      timeoutMs: seconds(env, 'QUICKJOBS_NETWORK_TIMEOUT', 10, 3600),
      maxBytes: integer(env, 'QUICKJOBS_NETWORK_MAX_BYTES', 5 * 1024 * 1024, 1, 1024 * 1024 * 1024),
      maxRedirects: 5,
    },
    data: {
      quotaBytes: integer(env, 'QUICKJOBS_DATA_QUOTA_MB', 64, 1, 1024 * 1024) * 1024 * 1024,
    },
  };
}
