/**
 * `quickjobs pull` and `push` against the real service on a loopback port: a round trip, a dry run
 * that changes nothing, a conflict refused and then forced, and the errors a person meets.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { syncCommand } from '../../../service/cli/sync-commands.js';
import { STATE_FILE } from '../../../service/cli/sync-state.js';
import { startService, type ServiceHandle } from '../../helpers/service.js';

let svc: ServiceHandle;
let dir: string;

async function quickjobs(command: 'pull' | 'push', ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await syncCommand(command, args, { QUICKJOBS_TOKEN: svc.token }, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const JOB = (text: string) => `const job = core.job();\njob.run = async () => { core.log(${JSON.stringify(text)}); return job.OK; };\nreturn job;\n`;
const TS_JOB = 'const job = core.job();\nconst greeting: string = "typed";\njob.run = async (): Promise<QuickJobs.JobResult> => { core.log(greeting); return job.OK; };\nreturn job;\n';

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

before(async () => {
  svc = await startService();
  dir = await mkdtemp(join(tmpdir(), 'quickjobs-sync-'));
  for (const body of [
    { name: 'alpha', interval: 3600, active: false, code: JOB('alpha') },
    { name: 'beta', interval: 600, active: false, language: 'typescript', code: TS_JOB },
    { name: 'gamma', cron: '0 3 * * *', active: false, description: 'nightly', code: JOB('gamma') },
  ]) {
    const created = await svc.api('/jobs', { method: 'POST', body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
});

after(async () => {
  await svc.stop();
  await svc.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('quickjobs pull', () => {
  it('writes every job as a bootstrap file, .ts for TypeScript, and the sync state without the token', async () => {
    const result = await quickjobs('pull', dir, '--url', svc.baseUrl);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /pulled 3 job\(s\)/);
    assert.deepEqual((await readdir(dir)).sort(), [STATE_FILE, 'alpha.js', 'beta.ts', 'gamma.js']);
    assert.equal(await readFile(join(dir, 'beta.ts'), 'utf8'), `// quickjobs: {"interval":600,"active":false}\n${TS_JOB}`);
    assert.match(await readFile(join(dir, 'gamma.js'), 'utf8'), /^\/\/ quickjobs: \{"cron":"0 3 \* \* \*","description":"nightly","active":false\}\n/);
    const state = await readFile(join(dir, STATE_FILE), 'utf8');
    assert.equal(JSON.parse(state).jobs.beta.version, 1);
    assert.ok(!state.includes(svc.token), 'the token is never written');
  });

  it('finds nothing to push in a folder just pulled', async () => {
    const result = await quickjobs('push', dir, '--url', svc.baseUrl, '--yes');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /nothing to push/);
  });
});

describe('quickjobs push', () => {
  before(async () => {
    await writeFile(join(dir, 'alpha.js'), `// quickjobs: {"interval":3600,"active":false}\n${JOB('alpha, edited')}`);
    await writeFile(join(dir, 'beta.ts'), `// quickjobs: {"interval":900,"active":false}\n${TS_JOB}`);
    await writeFile(join(dir, 'delta.ts'), `// quickjobs: {"interval":60,"active":false}\n${TS_JOB}`);
    await unlink(join(dir, 'gamma.js'));
  });

  it('shows what it would create, change and delete in a dry run, and changes nothing', async () => {
    const result = await quickjobs('push', dir, '--url', svc.baseUrl, '--dry-run');
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(result.out.split('\n').slice(0, 4), ['update   alpha: code', 'update   beta: interval', 'create   delta (delta.ts)', 'delete   gamma']);
    assert.match(result.out, /dry run: 4 change\(s\) planned, nothing sent/);
    const names = (await svc.api('/jobs')).body.map((job: { name: string }) => job.name);
    assert.deepEqual(names, ['alpha', 'beta', 'gamma']);
    assert.equal((await svc.api('/jobs/alpha')).body.version, 1);
  });

  it('is a dry run without --yes', async () => {
    const result = await quickjobs('push', dir, '--url', svc.baseUrl);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /nothing sent; push --yes to apply/);
    assert.equal((await svc.api('/jobs/delta')).status, 404);
  });

  it('refuses the whole push, exit 1, when a job it would change was changed on the service since the pull', async () => {
    const saved = await svc.api('/jobs/alpha/code', { method: 'PUT', body: { code: JOB('alpha, edited on the service') } });
    assert.equal(saved.status, 200);
    const result = await quickjobs('push', dir, '--url', svc.baseUrl, '--yes');
    assert.equal(result.code, 1);
    assert.match(result.out, /CONFLICT alpha: its code changed on the service since the pull \(version 2, pulled 1\)/);
    assert.match(result.err, /1 conflict\(s\): nothing pushed/);
    assert.equal((await svc.api('/jobs/delta')).status, 404);
    assert.equal((await svc.api('/jobs/gamma')).status, 200);
    assert.equal((await svc.api('/jobs/beta')).body.interval, 600);
  });

  it('overwrites with --force, and records what it pushed so the next push has nothing to do', async () => {
    const result = await quickjobs('push', dir, '--url', svc.baseUrl, '--yes', '--force');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /pushed 4 change\(s\)/);
    assert.match((await svc.api('/jobs/alpha/code')).body.code, /alpha, edited"/);
    assert.equal((await svc.api('/jobs/beta')).body.interval, 900);
    const delta = await svc.api('/jobs/delta');
    assert.equal(delta.body.language, 'typescript');
    assert.equal((await svc.api('/jobs/gamma')).status, 404);
    const again = await quickjobs('push', dir, '--url', svc.baseUrl, '--yes');
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /nothing to push/);
  });

  it('refuses a folder with a broken file before sending anything', async () => {
    await writeFile(join(dir, 'broken.ts'), '// quickjobs: {"interval":60}\nconst x: = 1;\n');
    const result = await quickjobs('push', dir, '--url', svc.baseUrl, '--yes');
    assert.equal(result.code, 1);
    assert.match(result.err, /broken\.ts: syntax error \(line 2, column 10\)/);
    assert.equal((await svc.api('/jobs/broken')).status, 404);
    await unlink(join(dir, 'broken.ts'));
  });
});

describe('pull after edits in the folder', () => {
  it('refuses to overwrite a file edited since the last pull or push, naming it, unless --force', async () => {
    const edited = `// quickjobs: {"interval":3600,"active":false}\n${JOB('alpha, edited again')}`;
    await writeFile(join(dir, 'alpha.js'), edited);
    const refused = await quickjobs('pull', dir, '--url', svc.baseUrl);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /alpha\.js: edited since the last pull/);
    assert.equal(await readFile(join(dir, 'alpha.js'), 'utf8'), edited);
    const forced = await quickjobs('pull', dir, '--url', svc.baseUrl, '--force');
    assert.equal(forced.code, 0, forced.err);
    assert.match(await readFile(join(dir, 'alpha.js'), 'utf8'), /alpha, edited"/);
    assert.ok(!(await readdir(dir)).includes('gamma.js'), 'a job deleted on the service is not pulled back');
  });
});

describe('sync errors', () => {
  it('says when the service cannot be reached', async () => {
    const port = await closedPort();
    const result = await quickjobs('pull', dir, '--url', `http://127.0.0.1:${port}`);
    assert.equal(result.code, 1);
    assert.match(result.err, new RegExp(`cannot reach the service at http://127\\.0\\.0\\.1:${port}/api/v1: ECONNREFUSED`));
  });

  it('says when the token is refused', async () => {
    const result = await quickjobs('pull', dir, '--url', svc.baseUrl, '--token', 'wrong');
    assert.equal(result.code, 1);
    assert.match(result.err, /refused the request \(401\): the token is not right/);
  });

  it('says when the folder is missing or is a file, and when --url is missing', async () => {
    const missing = await quickjobs('push', join(dir, 'nope'), '--url', svc.baseUrl);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /there is no folder/);
    const file = await quickjobs('push', join(dir, 'alpha.js'), '--url', svc.baseUrl);
    assert.equal(file.code, 1);
    assert.match(file.err, /is not a folder/);
    const noUrl = await quickjobs('push', dir);
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.err, /needs --url/);
  });
});
