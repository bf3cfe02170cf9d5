/**
 * Reads the QUICKJOBS_* environment once, at the edge, into a fully-populated typed object. A bad
 * value throws ConfigError naming the variable, which stops the start.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { parseCodeRules, type CodeRule } from './jobs/code-rules.js';
import { isValidTimeZone } from './jobs/job-input.js';

export type Env = Record<string, string | undefined>;

export type StoreConfig = { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string };

export interface CoreConfig {
  port: number;
  host: string;
  dataDir: string;
  jobsDir: string;
  store: StoreConfig;
  adminPassword: string | null;
  apiToken: string | null;
  timeZone: string;
  workers: number;
  /** Threads the sandbox pool may grow to: each run holds one, host waits included. */
  maxWorkers: number;
  memoryMb: number;
  runHistory: number;
  /** QUICKJOBS_AUDIT_DAYS: how long audit entries are kept. */
  auditDays: number;
  shutdownTimeoutMs: number;
  logLevel: string;
  /** Behind a reverse proxy: X-Forwarded-Proto and X-Forwarded-For count (cookie Secure, login limits per real client). */
  trustProxy: boolean;
  /** QUICKJOBS_SECRET_KEY as given (checked when the secrets open), or null: the key file in the data folder. */
  secretKey: string | null;
  /** QUICKJOBS_CODE_RULES, compiled; empty when unset. */
  codeRules: CodeRule[];
  /** QUICKJOBS_NODE_ID; null means `<hostname>:<port>`. */
  nodeId: string | null;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readCoreConfig(env: Env, cwd = process.cwd()): CoreConfig {
  const dataDir = resolve(cwd, text(env, 'QUICKJOBS_DATA_DIR') ?? './data');
  return {
    port: integer(env, 'QUICKJOBS_PORT', 8080, 0, 65535),
    host: text(env, 'QUICKJOBS_HOST') ?? '127.0.0.1',
    dataDir,
    jobsDir: resolve(cwd, text(env, 'QUICKJOBS_JOBS_DIR') ?? './jobs'),
    store: storeConfig(env, dataDir),
    adminPassword: password(env),
    apiToken: apiToken(env),
    timeZone: timeZone(env),
    workers: integer(env, 'QUICKJOBS_WORKERS', Math.max(2, availableParallelism()), 1, 64),
    maxWorkers: integer(env, 'QUICKJOBS_MAX_WORKERS', 16, 1, 256),
    memoryMb: integer(env, 'QUICKJOBS_MEMORY_MB', 64, 4, 2048),
    runHistory: integer(env, 'QUICKJOBS_RUN_HISTORY', 200, 1, 100_000),
    auditDays: integer(env, 'QUICKJOBS_AUDIT_DAYS', 365, 1, 36_500),
    shutdownTimeoutMs: integer(env, 'QUICKJOBS_SHUTDOWN_TIMEOUT', 30, 0, 3600) * 1000,
    logLevel: choice(env, 'QUICKJOBS_LOG_LEVEL', LOG_LEVELS, 'info'),
    trustProxy: choice(env, 'QUICKJOBS_TRUST_PROXY', ['true', 'false'], 'false') === 'true',
    secretKey: text(env, 'QUICKJOBS_SECRET_KEY'),
    codeRules: codeRules(env, cwd),
    nodeId: nodeId(env),
  };
}

function codeRules(env: Env, cwd: string): CodeRule[] {
  const file = text(env, 'QUICKJOBS_CODE_RULES');
  if (file === null) return [];
  let json: string;
  try {
    json = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ConfigError('QUICKJOBS_CODE_RULES', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return parseCodeRules(json);
  } catch (error) {
    throw new ConfigError('QUICKJOBS_CODE_RULES', `${file} ${(error as Error).message}`);
  }
}

/** A set, non-blank value, or null. */
export function text(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value.trim() === '' ? null : value.trim();
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function choice(env: Env, name: string, choices: string[], fallback: string): string {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!choices.includes(raw)) throw new ConfigError(name, `expected one of ${choices.join(', ')}, got "${raw}"`);
  return raw;
}

function storeConfig(env: Env, dataDir: string): StoreConfig {
  const raw = text(env, 'QUICKJOBS_STORE');
  if (raw === null) return { kind: 'sqlite', file: resolve(dataDir, 'quickjobs.db') };
  if (raw.startsWith('mysql://')) return { kind: 'mysql', url: raw };
  if (raw.startsWith('sqlite:')) return { kind: 'sqlite', file: resolve(dataDir, raw.slice('sqlite:'.length)) };
  throw new ConfigError('QUICKJOBS_STORE', `expected "sqlite:<file>" or "mysql://user:pass@host/db", got "${raw}"`);
}

function password(env: Env): string | null {
  const raw = env.QUICKJOBS_ADMIN_PASSWORD;
  if (raw === undefined || raw === '') return null;
  if (raw.length < 8) throw new ConfigError('QUICKJOBS_ADMIN_PASSWORD', 'must be at least 8 characters');
  return raw;
}

function apiToken(env: Env): string | null {
  const raw = text(env, 'QUICKJOBS_API_TOKEN');
  if (raw === null) return null;
  if (raw.length < 16) throw new ConfigError('QUICKJOBS_API_TOKEN', 'must be at least 16 characters');
  return raw;
}

function timeZone(env: Env): string {
  const raw = text(env, 'QUICKJOBS_TZ') ?? 'UTC';
  if (!isValidTimeZone(raw)) throw new ConfigError('QUICKJOBS_TZ', `unknown time zone "${raw}" (use an IANA name like Europe/Berlin)`);
  return raw;
}

/** Printable, at most 255 characters (the nodes table's key). */
function nodeId(env: Env): string | null {
  const value = text(env, 'QUICKJOBS_NODE_ID');
  if (value === null) return null;
  if (value.length > 255 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ConfigError('QUICKJOBS_NODE_ID', 'must be 1 to 255 printable characters without spaces');
  }
  return value;
}
