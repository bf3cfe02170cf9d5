/**
 * Starts the real service (`quickjobs start` from source) as a child process on a loopback port,
 * with its own data folder, for end-to-end and browser tests.
 *
 *   const svc = await startService();
 *   const res = await svc.api('/jobs', { method: 'POST', body: { name: 'a', interval: 1 } });
 *   await svc.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endWithTests } from './children.js';
import { checkAnswer } from './contract.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface StartOptions {
  /** Extra environment; QUICKJOBS_* defaults below are overridden by these. */
  env?: Record<string, string>;
  /** Reuse a data folder (a restart); default a new temp folder. */
  dataDir?: string;
  /** The jobs folder; default an empty one inside the data folder. */
  jobsDir?: string;
}

export interface ServiceHandle {
  baseUrl: string;
  password: string;
  token: string;
  dataDir: string;
  jobsDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** JSON request to `/api/v1<path>` with the bearer token; the answer is checked against the API's contract. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  /** SIGTERM and wait for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>;
  /** Removes the data folder (after stop or kill). */
  cleanup(): Promise<void>;
}

export async function startService(options: StartOptions = {}): Promise<ServiceHandle> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'quickjobs-test-')));
  const jobsDir = options.jobsDir ?? join(dataDir, 'jobs');
  await mkdir(jobsDir, { recursive: true });
  const password = 'test-password-' + randomBytes(4).toString('hex');
  const token = 'test-token-' + randomBytes(12).toString('hex');
  const env = {
    ...process.env,
    QUICKJOBS_PORT: '0',
    QUICKJOBS_HOST: '127.0.0.1',
    QUICKJOBS_DATA_DIR: dataDir,
    QUICKJOBS_JOBS_DIR: jobsDir,
    QUICKJOBS_ADMIN_PASSWORD: password,
    QUICKJOBS_API_TOKEN: token,
    QUICKJOBS_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child = endWithTests(
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'service/cli.ts'), 'start'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in 30 s:\n${output}`)), 30_000);
    const onData = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${output}`));
    });
  });

  const handle: ServiceHandle = {
    baseUrl,
    password,
    token,
    dataDir,
    jobsDir,
    child,
    output: () => output,
    async api(path, init = {}) {
      const response = await fetch(`${baseUrl}/api/v1${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (metrics, SSE): keep the text
      }
      checkAnswer(init.method ?? 'GET', path, { status: response.status, body, contentType: response.headers.get('content-type') });
      return { status: response.status, body };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async cleanup() {
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Polls `check` every 25 ms until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
