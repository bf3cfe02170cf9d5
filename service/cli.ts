/**
 * `quickjobs start | run <name|file> | check <file>… | pull | push | passwd | user … | export [dir]`.
 * Each command resolves to its exit code; `start` keeps the process alive with its server.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SandboxPool } from '../sandbox/pool.js';
import type { LogEntry, RunOutcome } from '../sandbox/types.js';
import { setAdminPassword } from './auth/admin-password.js';
import { userCommand } from './users/user-cli.js';
import { exportJobs, exportPeriods } from './bootstrap/export-jobs.js';
import { splitSettingsLine } from './bootstrap/settings-line.js';
import { checkCommand } from './cli/check-command.js';
import { SYNC_USAGE, syncCommand } from './cli/sync-commands.js';
import { ConfigError } from './config-error.js';
import { StoreError } from './store/errors.js';
import type { Env } from './config.js';
import { verifyMysqlGrants } from './helpers/mysql-grants.js';
import { workerHostSpec } from './helpers/worker-host.js';
import { parseJobFields, type JobFieldsInput } from './jobs/job-input.js';
import { LOG_LIMIT_BYTES, readConfig, startService } from './main.js';
import { openStore } from './store/open-store.js';
import { mapOutcome, maskOutcome } from './runs/pool-runner.js';
import { languageOf } from './bootstrap/read-folder.js';
import { ScriptSyntaxError } from './jobs/errors.js';
import { SourceMapper } from './jobs/source-map.js';
import { stripTypes } from './jobs/typescript.js';
import { UnknownPlaceholderError } from './jobs/param-dates.js';
import { MissingSecretError, resolveParamDates, resolveParamSecrets, type JobParams } from './jobs/params.js';
import { SecretKeyError } from './secrets/errors.js';
import { rotateSecrets } from './secrets/rotate.js';
import { newKeyText, parseKey } from './secrets/secret-key.js';
import { SecretStore } from './secrets/secret-store.js';
import type { Store } from './store/store.js';

const USAGE = `usage: quickjobs <command>

  start               serve the API, the webmin and the scheduler
  run <name|file>     run one job (.js or .ts) once here and print its log and result (exit 1 on error)
  check <file>…       check .js or .ts job files (settings line, syntax, types) without running them
${SYNC_USAGE}
  passwd              set user admin's password (read from the terminal or standard input)
  user add|set-role|passwd|remove NAME, user list
                      manage webmin users, also while the service runs
  export [dir]        write every job with its settings, and periods.json, into dir (default ./jobs-export)
  secrets rotate      re-encrypt every secret under a new key (stop the service first)`;

export async function main(argv: string[], env: Env = process.env): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'start':
        await startService(env);
        return 0;
      case 'run':
        return args[0] ? await runOnce(args[0], env) : usage('run needs a job name or a file');
      case 'check':
        return args.length > 0 ? await checkAll(args) : usage('check needs a file');
      case 'passwd':
        return await passwd(env);
      case 'user':
        return await userCli(args, env);
      case 'pull':
      case 'push':
        return await syncCommand(command, args, env);
      case 'export':
        return await exportCommand(args[0] ?? 'jobs-export', env);
      case 'secrets':
        return args[0] === 'rotate' ? await rotateCommand(env) : usage('secrets takes one subcommand: rotate');
      case undefined:
      case 'help':
      case '--help':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        return usage(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`quickjobs: bad setting ${error.message}`);
      return 2;
    }
    if (error instanceof SecretKeyError) {
      console.error(`quickjobs: cannot start: ${error.message}`);
      return 1;
    }
    if (error instanceof StoreError) {
      // A store that cannot be opened or written is the operator's to fix: one line, no stack.
      console.error(`quickjobs: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function usage(problem: string): number {
  console.error(`quickjobs: ${problem}\n\n${USAGE}`);
  return 2;
}

interface Script {
  name: string;
  /** The JavaScript to run: a `.ts` file or a TypeScript job stripped, with its source map. */
  code: string;
  sourceMap: string | null;
  timeout: number;
  /** As written; resolved when the run starts, like a run of the service's. */
  params: JobParams;
  timezone: string | null;
}

async function loadScript(target: string, store: Store): Promise<Script> {
  if (languageOf(target) !== null || existsSync(target)) {
    const text = await readFile(target, 'utf8');
    const split = splitSettingsLine(text);
    const settings = split.kind === 'settings' ? parseSettings(target, split.json) : {};
    const name = basename(target, extname(target));
    const written = { timeout: settings.timeout ?? 30, params: settings.params ?? {}, timezone: settings.timezone ?? null };
    if (languageOf(target) !== 'typescript') return { name, code: split.code, sourceMap: null, ...written };
    try {
      const { js, sourceMap } = await stripTypes(split.code);
      return { name, code: js, sourceMap, ...written };
    } catch (error) {
      if (!(error instanceof ScriptSyntaxError)) throw error;
      const offset = split.kind === 'settings' ? 1 : 0;
      throw new CliError(`${target}:${(error.line ?? 1) + offset}:${error.column ?? 1}: ${error.message}`);
    }
  }
  const job = await store.getJob(target);
  const code = await store.getCode(target);
  if (!job || !code) throw new CliError(`no job named "${target}" and no file "${target}"`);
  return { name: job.name, code: code.compiled ?? code.code, sourceMap: code.sourceMap, timeout: job.timeout, params: job.params, timezone: job.timezone };
}

/**
 * A file's settings line, as a new job named `name` when given; a bad one is a CliError naming the
 * file, the line and the field.
 */
function parseSettings(file: string, json: string, name?: string): Partial<JobFieldsInput> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new CliError(`${file}:1: the settings line is not JSON: ${(error as Error).message}`);
  }
  const fields = name === undefined ? parseJobFields(raw, 'update') : parseJobFields({ ...(raw as object), name }, 'create');
  if (!fields.ok) throw new CliError(`${file}:1: ${fields.field}: ${fields.message}`);
  return fields.value;
}

class CliError extends Error {
  override name = 'CliError';
}

/** Runs one job in this process, printing its log as it is written. Records nothing. */
async function runOnce(target: string, env: Env): Promise<number> {
  const config = readConfig(env);
  await verifyMysqlGrants(config.helpers.mysql, (message) => console.error(`quickjobs: WARNING ${message}`));
  const store = await openStore(config.core.store, config.core.runHistory);
  let secrets: SecretStore;
  try {
    secrets = await SecretStore.open(store, { envKey: config.core.secretKey, dataDir: config.core.dataDir });
  } catch (error) {
    await store.close();
    throw error;
  }
  const pool = await SandboxPool.create({
    workers: 1,
    host: workerHostSpec({ helpers: config.helpers, store: config.core.store, secretKey: secrets.keyHex }),
  });
  try {
    const script = await loadScript(target, store);
    // A TypeScript job's errors and logged stack frames point at its TypeScript lines.
    const mapper = script.sourceMap ? new SourceMapper(script.sourceMap) : null;
    const started = Date.now();
    let params: JobParams;
    try {
      params = await resolveParamSecrets(resolveParamDates(script.params, started, script.timezone ?? config.core.timeZone), (name) => secrets.value(name));
    } catch (error) {
      if (error instanceof UnknownPlaceholderError || error instanceof MissingSecretError) throw new CliError(`the job's params could not be resolved: ${error.message}`);
      throw error;
    }
    const outcome = await pool.run(
      {
        jobName: script.name,
        code: script.code,
        trigger: 'manual',
        lastRunAt: null,
        timeoutMs: script.timeout * 1000,
        memoryBytes: config.core.memoryMb * 1024 * 1024,
        timeZone: config.core.timeZone,
        logLimitBytes: LOG_LIMIT_BYTES,
        params,
      },
      // The masker of now: resolving the params may have read a secret.
      { onLog: (entry) => printLog({ ...entry, message: secrets.masker().text(mapper ? mapper.mapText(entry.message) : entry.message) }) },
    );
    return printOutcome(maskOutcome(mapper ? mapOutcome(outcome, mapper) : outcome, secrets.masker()), Date.now() - started);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`quickjobs: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await pool.dispose();
    await store.close();
  }
}

function printLog(entry: LogEntry): void {
  const line = `${entry.at.slice(11, 23)} ${entry.level.padEnd(5)} ${entry.message}`;
  if (entry.level === 'error') console.error(line);
  else console.log(line);
}

function printOutcome(outcome: RunOutcome, durationMs: number): number {
  if (outcome.outcome === 'success') {
    console.log(`result: ${outcome.result} (${durationMs} ms)`);
    return 0;
  }
  const where = outcome.error.line === undefined ? '' : ` (line ${outcome.error.line}${outcome.error.column === undefined ? '' : `, column ${outcome.error.column}`})`;
  console.error(`${outcome.outcome}: ${outcome.error.message}${where} (${durationMs} ms)`);
  return 1;
}

async function passwd(env: Env): Promise<number> {
  const config = readConfig(env);
  const password = await readPassword();
  if (password.length < 8) {
    console.error('quickjobs: the password must be at least 8 characters; nothing changed');
    return 1;
  }
  const store = await openStore(config.core.store, config.core.runHistory);
  try {
    await setAdminPassword(store, password);
  } finally {
    await store.close();
  }
  console.log("quickjobs: admin's password changed; admin's open sessions have ended");
  return 0;
}

async function userCli(args: string[], env: Env): Promise<number> {
  const config = readConfig(env);
  const store = await openStore(config.core.store, config.core.runHistory);
  try {
    return await userCommand(store, args, { readPassword, out: (line) => console.log(line), err: (line) => console.error(line) });
  } finally {
    await store.close();
  }
}

/** One line from standard input, with a prompt at a terminal. */
async function readPassword(): Promise<string> {
  const tty = process.stdin.isTTY === true;
  if (tty) process.stdout.write('New webmin password: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  const line = await new Promise<string>((done) => {
    rl.once('line', done);
    rl.once('close', () => done(''));
  });
  rl.close();
  if (tty) process.stdout.write('\n');
  return line.trim();
}

async function exportCommand(dir: string, env: Env): Promise<number> {
  const config = readConfig(env);
  const store = await openStore(config.core.store, config.core.runHistory);
  try {
    const jobs = await store.listJobs();
    const withCode = [];
    for (const job of jobs) {
      const code = await store.getCode(job.name);
      withCode.push({ job, code: code?.code ?? '' });
    }
    const written = await exportJobs(withCode, resolve(dir));
    const periods = await store.listPeriods();
    if (periods.length > 0) await exportPeriods(periods, resolve(dir));
    console.log(`quickjobs: exported ${written.length} job(s)${periods.length > 0 ? ` and ${periods.length} period(s)` : ''} to ${resolve(dir)}`);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * Re-encrypts every secret under a new key: QUICKJOBS_NEW_SECRET_KEY if set, else a generated one.
 * With a key file, the new key is written beside it first and moved over it once the store has
 * committed; with QUICKJOBS_SECRET_KEY, the new key is printed to set on every node.
 */
async function rotateCommand(env: Env): Promise<number> {
  const config = readConfig(env);
  const store = await openStore(config.core.store, config.core.runHistory);
  try {
    const current = await SecretStore.open(store, { envKey: config.core.secretKey, dataDir: config.core.dataDir });
    const newText = env.QUICKJOBS_NEW_SECRET_KEY?.trim() || newKeyText();
    const newKey = parseKey(newText, 'QUICKJOBS_NEW_SECRET_KEY');
    const oldKey = Buffer.from(current.keyHex, 'hex');
    if (current.keySource === 'QUICKJOBS_SECRET_KEY') {
      const count = await rotateSecrets(store, oldKey, newKey);
      console.log(`quickjobs: re-encrypted ${count} secret(s); set QUICKJOBS_SECRET_KEY=${newKey.toString('hex')} on every node before starting`);
      return 0;
    }
    const file = current.keySource;
    const pending = `${file}.new`;
    // The new key is on disk before any secret depends on it; the rename only follows the commit.
    writeFileSync(pending, newKey.toString('hex') + '\n', { mode: 0o600 });
    const count = await rotateSecrets(store, oldKey, newKey);
    renameSync(pending, file);
    console.log(`quickjobs: re-encrypted ${count} secret(s) under a new key, now in ${file}`);
    return 0;
  } finally {
    await store.close();
  }
}

/** Checks each file in turn; the exit code is the worst of theirs (1 problems, 2 no TypeScript). */
async function checkAll(files: string[]): Promise<number> {
  let worst = 0;
  for (const file of files) worst = Math.max(worst, await checkCommand(file));
  return worst;
}

// Run directly (`node --import tsx service/cli.ts start`), as the tests and development do.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
