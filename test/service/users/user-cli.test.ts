/**
 * `quickjobs user …` against the store of a running service (SPEC §14): what the command changes
 * counts on the service's next request, and is audited via the CLI.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { endWithTests } from '../../helpers/children.js';
import { startService, type ServiceHandle } from '../../helpers/service.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let svc: ServiceHandle;

function quickjobs(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = endWithTests(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'service/cli.ts'), 'user', ...args], {
        cwd: ROOT,
        env: { ...process.env, QUICKJOBS_DATA_DIR: svc.dataDir, QUICKJOBS_JOBS_DIR: svc.jobsDir, QUICKJOBS_LOG_LEVEL: 'warn' },
      }),
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function login(name: string, password: string): Promise<{ status: number; cookie: string }> {
  const res = await fetch(`${svc.baseUrl}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: svc.baseUrl },
    body: JSON.stringify({ name, password }),
  });
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

const createJob = (cookie: string, name: string) =>
  fetch(`${svc.baseUrl}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', origin: svc.baseUrl, cookie }, body: JSON.stringify({ name, interval: 3600 }) });

before(async () => {
  svc = await startService();
});
after(async () => {
  await svc.stop();
  await svc.cleanup();
});

describe('quickjobs user, while the service runs', () => {
  it('adds a user who can sign in at once, with the role given', async () => {
    const added = await quickjobs(['add', 'carla', 'editor'], 'carla-password\n');
    assert.equal(added.code, 0, added.stderr);
    const session = await login('carla', 'carla-password');
    assert.equal(session.status, 200);
    assert.equal((await createJob(session.cookie, 'by-carla')).status, 201);
  });

  it('changes the role, counted on the next request of an open session', async () => {
    const session = await login('carla', 'carla-password');
    assert.equal((await quickjobs(['set-role', 'carla', 'viewer'])).code, 0);
    assert.equal((await createJob(session.cookie, 'refused')).status, 403);
  });

  it("changes the password and ends the user's sessions", async () => {
    const session = await login('carla', 'carla-password');
    const changed = await quickjobs(['passwd', 'carla'], 'carla-second-password\n');
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal((await fetch(`${svc.baseUrl}/api/v1/status`, { headers: { cookie: session.cookie } })).status, 401);
    assert.equal((await login('carla', 'carla-second-password')).status, 200);
  });

  it('removes the user, ending its sessions, and refuses to remove the last admin', async () => {
    const session = await login('carla', 'carla-second-password');
    assert.equal((await quickjobs(['remove', 'carla'])).code, 0);
    assert.equal((await fetch(`${svc.baseUrl}/api/v1/status`, { headers: { cookie: session.cookie } })).status, 401);
    const last = await quickjobs(['remove', 'admin']);
    assert.equal(last.code, 1);
    assert.match(last.stderr, /last admin/);
    assert.equal((await quickjobs(['add', 'Bad Name'], 'whatever-password\n')).code, 2);
  });

  it('leaves the changes in the audit trail, via the CLI', async () => {
    const audit = (await svc.api('/audit?target=carla')).body as Array<{ action: string; via: string }>;
    assert.deepEqual(audit.filter((row) => row.via === 'cli').map((row) => row.action), ['user.delete', 'user.update', 'user.update', 'user.create']);
  });
});
