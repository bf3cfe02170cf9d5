/**
 * The whole service built in-process on a temp data folder, without a port: tests call its Hono
 * app with `app.request()`.
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAnswer } from './contract.js';
import { createService, readConfig, type Config, type CreateOptions, type Service } from '../../service/main.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const TEST_PASSWORD = 'test-password-123';

export interface TestService {
  service: Service;
  dataDir: string;
  jobsDir: string;
  /** JSON request to `/api/v1<path>` with the bearer token (unless `auth: false`); the answer is checked against the API's contract. */
  api(path: string, init?: { method?: string; body?: unknown; raw?: string; auth?: boolean; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** `adjust` changes the config read from `env` before the service is built (shorter retries, say); `options` go to createService. */
export async function createTestService(env: Record<string, string> = {}, adjust: (config: Config) => void = () => {}, options: CreateOptions = {}): Promise<TestService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'quickjobs-app-'));
  const jobsDir = join(dataDir, 'jobs');
  await mkdir(jobsDir, { recursive: true });
  const config = readConfig({
    QUICKJOBS_DATA_DIR: dataDir,
    QUICKJOBS_JOBS_DIR: jobsDir,
    QUICKJOBS_ADMIN_PASSWORD: TEST_PASSWORD,
    QUICKJOBS_API_TOKEN: TEST_TOKEN,
    QUICKJOBS_WORKERS: '2',
    QUICKJOBS_LOG_LEVEL: 'silent',
    ...env,
  });
  adjust(config);
  const service = await createService(config, { print: () => {}, ...options });
  return {
    service,
    dataDir,
    jobsDir,
    async api(path, init = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
      if (init.auth !== false) headers.authorization = `Bearer ${TEST_TOKEN}`;
      const response = await service.app.request(`/api/v1${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      const method = init.method ?? 'GET';
      checkAnswer(method, path, { status: response.status, body, contentType: response.headers.get('content-type') });
      return { status: response.status, body, headers: response.headers };
    },
    async close() {
      await service.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
