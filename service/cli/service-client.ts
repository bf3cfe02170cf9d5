/**
 * The sync commands' way to a running service: its public API (SPEC §5) over HTTP with a bearer
 * token, nothing else. Every failure is a SyncError with a sentence a person can act on.
 */
import type { JobSettings } from '../jobs/types.js';

/** A job as `GET /api/v1/jobs` answers it: its settings, name and version (and more, not needed here). */
export interface RemoteJob extends JobSettings {
  name: string;
  version: number;
  updatedAt: string;
}

export class SyncError extends Error {
  override name = 'SyncError';
}

export class ServiceClient {
  private readonly base: string;

  constructor(
    url: string,
    private readonly token: string | undefined,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SyncError(`--url "${url}" is not a URL (like http://127.0.0.1:8080)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new SyncError(`--url "${url}" must be an http or https URL`);
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}/api/v1`;
  }

  listJobs(): Promise<RemoteJob[]> {
    return this.call('GET', '/jobs') as Promise<RemoteJob[]>;
  }

  async code(name: string): Promise<{ code: string; version: number }> {
    return (await this.call('GET', `/jobs/${encodeURIComponent(name)}/code`)) as { code: string; version: number };
  }

  async create(body: Record<string, unknown>): Promise<RemoteJob> {
    return (await this.call('POST', '/jobs', body)) as RemoteJob;
  }

  async update(name: string, body: Record<string, unknown>): Promise<RemoteJob> {
    return (await this.call('PUT', `/jobs/${encodeURIComponent(name)}`, body)) as RemoteJob;
  }

  /** Refused with 409 (a SyncError) when the job's version is no longer `baseVersion`. */
  async saveCode(name: string, code: string, baseVersion: number): Promise<number> {
    return ((await this.call('PUT', `/jobs/${encodeURIComponent(name)}/code`, { code, baseVersion })) as { version: number }).version;
  }

  async remove(name: string): Promise<void> {
    await this.call('DELETE', `/jobs/${encodeURIComponent(name)}`);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SyncError(`cannot reach the service at ${this.base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    let answer: unknown = null;
    try {
      answer = text === '' ? null : JSON.parse(text);
    } catch {
      throw new SyncError(`${method} ${this.base}${path} answered ${response.status} with something that is not JSON; is --url the quickjobs service?`);
    }
    if (response.status === 401) {
      throw new SyncError(`the service refused the request (401): ${this.token ? 'the token is not right' : 'it needs a token: --token or QUICKJOBS_TOKEN'}`);
    }
    if (!response.ok) {
      const error = (answer as { error?: { message?: string; field?: string; line?: number } } | null)?.error;
      const where = error?.line === undefined ? '' : ` (line ${error.line})`;
      throw new SyncError(`${method} ${path} answered ${response.status}: ${error?.message ?? text.slice(0, 200)}${where}`);
    }
    return answer;
  }
}
