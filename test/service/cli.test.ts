/**
 * The `quickjobs` command as a person types it: each command in a child process, checked by its
 * output and exit code.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyPassword } from '../../service/auth/password.js';
import { SqliteStore } from '../../service/store/sqlite-store.js';
import { endWithTests } from '../helpers/children.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Absolute, because the commands run in a temp folder with no node_modules.
const TSX = import.meta.resolve('tsx');
let dir: string;

function quickjobs(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = endWithTests(
      spawn(process.execPath, ['--import', TSX, join(ROOT, 'service/cli.ts'), ...args], {
        cwd: dir,
        env: { ...process.env, QUICKJOBS_DATA_DIR: join(dir, 'data'), QUICKJOBS_JOBS_DIR: join(dir, 'jobs'), QUICKJOBS_LOG_LEVEL: 'warn', ...options.env },
      }),
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.input ?? '');
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quickjobs-cli-'));
  await writeFile(join(dir, 'good.js'), '// quickjobs: {"interval": 60}\nconst job = core.job();\njob.run = async () => { core.log("hi from", job.name); console.warn("careful"); return job.SLEEP; };\nreturn job;\n');
  await writeFile(join(dir, 'throws.js'), 'const job = core.job();\njob.run = () => { throw new Error("kaput"); };\nreturn job;\n');
  await writeFile(join(dir, 'syntax.js'), '// quickjobs: {"interval": 60}\nconst job = core.job();\njob.run = () => {\n  return job.OK\n;\nreturn job;\n');
  await writeFile(join(dir, 'bad-settings.js'), '// quickjobs: {"interval": -3}\nconst job = core.job(); job.run = () => job.OK; return job;\n');
  await writeFile(join(dir, 'typed.ts'), '// quickjobs: {"interval": 60}\nconst job = core.job();\njob.run = async (): Promise<QuickJobs.JobResult> => {\n  const [rows, err] = await core.mysql.select("db", { tbl: "t" });\n  if (err !== null) return job.EXIT;\n  core.log(rows.length);\n  return job.OK;\n};\nreturn job;\n');
  await writeFile(join(dir, 'mistyped.ts'), '// quickjobs: {"interval": 60}\nconst job = core.job();\nconst count: number = "three";\njob.run = async () => {\n  await core.mysql.selectt("db", { tbl: "t" });\n  return "DONE";\n};\nreturn job;\n');
  await writeFile(join(dir, 'mistyped.js'), 'const job = core.job();\njob.run = () => { core.network.gett("https://example.com"); return job.OK; };\nreturn job;\n');
  await writeFile(join(dir, 'broken.ts'), 'const job = core.job();\nlet n: = 1;\nreturn job;\n');
  await writeFile(join(dir, 'throws.ts'), 'interface Box {\n  n: number;\n}\nconst job = core.job();\njob.run = (): QuickJobs.JobResult => { const box: Box = { n: 3 }; throw new Error("kaput " + box.n); };\nreturn job;\n');
  await writeFile(join(dir, 'params.js'), '// quickjobs: {"interval": 60, "timezone": "Europe/Berlin", "params": {"to": "ops", "year": "{{date:YYYY}}"}}\nconst job = core.job();\njob.run = () => { core.log("to", job.params.to, "in", job.params.year); return job.OK; };\nreturn job;\n');
  await writeFile(join(dir, 'missing-secret.js'), '// quickjobs: {"interval": 60, "params": {"key": {"$secret": "nowhere"}}}\nconst job = core.job(); job.run = () => job.OK; return job;\n');
  await writeFile(join(dir, 'not-json.js'), '// quickjobs: {interval: 60}\nconst job = core.job(); job.run = () => job.OK; return job;\n');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('quickjobs start', () => {
  for (const [variable, value] of [
    ['QUICKJOBS_PORT', 'eighty'],
    ['QUICKJOBS_TZ', 'Mars/Olympus'],
    ['QUICKJOBS_MEMORY_MB', '-1'],
    ['QUICKJOBS_NETWORK_ALLOW', '10.0.0.0/99'],
    ['QUICKJOBS_STORE', 'postgres://nope'],
  ] as const) {
    it(`refuses a bad ${variable} with a message naming it`, async () => {
      const result = await quickjobs(['start'], { env: { [variable]: value } });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, new RegExp(variable));
    });
  }
});

describe('quickjobs run', () => {
  it('runs a file once, printing its log and result, and exits 0', async () => {
    const result = await quickjobs(['run', join(dir, 'good.js')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /hi from good/);
    assert.match(result.stdout, /careful/);
    assert.match(result.stdout, /result: SLEEP/);
  });

  it("runs a file with the params of its settings line, resolved, and refuses a missing secret's", async () => {
    const result = await quickjobs(['run', join(dir, 'params.js')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`to ops in ${new Date().getUTCFullYear()}`));
    const missing = await quickjobs(['run', join(dir, 'missing-secret.js')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /params\.key refers to secret "nowhere", which does not exist/);
  });

  it('exits 1 and prints the error with its line when the job throws', async () => {
    const result = await quickjobs(['run', join(dir, 'throws.js')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /kaput/);
    assert.match(result.stderr, /line 2/);
  });

  it('runs a .ts file stripped, and names the TypeScript line of its error', async () => {
    const result = await quickjobs(['run', join(dir, 'throws.ts')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /kaput 3/);
    assert.match(result.stderr, /line 5/);
  });

  it('exits 1 naming the file, line and field of a bad settings line, without a stack trace', async () => {
    const bad = await quickjobs(['run', join(dir, 'bad-settings.js')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^quickjobs: .*bad-settings\.js:1: interval: /);
    const notJson = await quickjobs(['run', join(dir, 'not-json.js')]);
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /^quickjobs: .*not-json\.js:1: the settings line is not JSON: /);
    for (const { stderr } of [bad, notJson]) assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it('says so when there is no such job or file', async () => {
    const result = await quickjobs(['run', 'nothing-here']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no job named "nothing-here"/);
  });
});

describe('quickjobs check', () => {
  it('passes a good file', async () => {
    const result = await quickjobs(['check', join(dir, 'good.js')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /ok/);
  });

  it('names the file, line and column of a syntax error, counting the settings line', async () => {
    const result = await quickjobs(['check', join(dir, 'syntax.js')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /syntax\.js:7:\d+: /);
  });

  it('checks every file it is given and fails when any of them has a problem', async () => {
    const result = await quickjobs(['check', join(dir, 'good.js'), join(dir, 'syntax.js'), join(dir, 'typed.ts')]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /typed\.ts: ok/);
    assert.match(result.stderr, /syntax\.js:7:\d+: /);
    assert.equal((await quickjobs(['check', join(dir, 'good.js'), join(dir, 'typed.ts')])).code, 0);
  });

  it('names the field of a bad settings line', async () => {
    const result = await quickjobs(['check', join(dir, 'bad-settings.js')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad-settings\.js:1:1: interval/);
  });
});

describe('quickjobs check of types', () => {
  it('passes a TypeScript job that uses core as typed', async () => {
    const result = await quickjobs(['check', join(dir, 'typed.ts')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /typed\.ts: ok/);
  });

  it('prints every type error of a TypeScript job as file:line:column and exits 1', async () => {
    const result = await quickjobs(['check', join(dir, 'mistyped.ts')]);
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    assert.match(lines[0]!, /mistyped\.ts:3:7: Type 'string' is not assignable to type 'number'/);
    assert.ok(lines.some((line) => /mistyped\.ts:5:20: Property 'selectt' does not exist/.test(line)), result.stderr);
    assert.ok(lines.some((line) => /mistyped\.ts:4:\d+: .*JobResult/.test(line) || /mistyped\.ts:6:\d+: .*DONE/.test(line)), result.stderr);
  });

  it('type-checks a JavaScript job against the typings too', async () => {
    const result = await quickjobs(['check', join(dir, 'mistyped.js')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /mistyped\.js:2:32: Property 'gett' does not exist/);
  });

  it('names the TypeScript line and column of a syntax error', async () => {
    const result = await quickjobs(['check', join(dir, 'broken.ts')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /broken\.ts:2:8: /);
  });
});

describe('quickjobs passwd', () => {
  it('sets the webmin password from standard input, kept only as a hash', async () => {
    const result = await quickjobs(['passwd'], { input: 'a-new-password-42\n' });
    assert.equal(result.code, 0, result.stderr);
    const store = SqliteStore.open({ file: join(dir, 'data', 'quickjobs.db'), runHistory: 10 });
    try {
      const hash = (await store.getUser('admin'))?.passwordHash;
      assert.ok(hash && !hash.includes('a-new-password-42'));
      assert.equal(await verifyPassword('a-new-password-42', hash), true);
      assert.equal(await verifyPassword('wrong', hash), false);
    } finally {
      await store.close();
    }
  });

  it('refuses a short password and changes nothing', async () => {
    const result = await quickjobs(['passwd'], { input: 'short\n' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /at least 8/);
  });
});
