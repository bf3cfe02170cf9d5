/**
 * The jobs folder against the real service: files become jobs at boot and on reload, follow their
 * file while the folder owns them, stay with a person once edited, and export round-trips.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startService, type ServiceHandle } from '../helpers/service.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

const started: ServiceHandle[] = [];
after(async () => {
  for (const svc of started) {
    await svc.kill();
    await svc.cleanup();
  }
});

function script(message: string, result = 'OK'): string {
  return `const job = core.job();\njob.run = () => { core.log(${JSON.stringify(message)}); return job.${result}; };\nreturn job;\n`;
}

async function names(svc: ServiceHandle): Promise<string[]> {
  return (await svc.api('/jobs')).body.map((j: { name: string }) => j.name).sort();
}

describe('the jobs folder', () => {
  let svc: ServiceHandle;
  let jobsDir: string;

  it('boots a folder of three jobs, one of them listed in jobs.json', async () => {
    jobsDir = await mkdtemp(join(tmpdir(), 'quickjobs-folder-'));
    await writeFile(join(jobsDir, 'alpha.js'), `// quickjobs: {"interval": 3600, "description": "first"}\n${script('alpha')}`);
    await writeFile(join(jobsDir, 'beta.js'), `// quickjobs: {"cron": "0 3 * * *", "timezone": "Europe/Berlin", "active": false}\n${script('beta')}`);
    await writeFile(join(jobsDir, 'gamma-source.js'), script('gamma'));
    await writeFile(join(jobsDir, 'jobs.json'), JSON.stringify([{ name: 'gamma', file: 'gamma-source.js', interval: 120, timeout: 5 }]));
    svc = await startService({ jobsDir });
    started.push(svc);
    assert.deepEqual(await names(svc), ['alpha', 'beta', 'gamma']);
    const alpha = (await svc.api('/jobs/alpha')).body;
    assert.equal(alpha.interval, 3600);
    assert.equal(alpha.description, 'first');
    assert.equal(alpha.owner, 'folder');
    const beta = (await svc.api('/jobs/beta')).body;
    assert.equal(beta.cron, '0 3 * * *');
    assert.equal(beta.timezone, 'Europe/Berlin');
    assert.equal(beta.active, false);
    const gamma = (await svc.api('/jobs/gamma')).body;
    assert.equal(gamma.interval, 120);
    assert.equal(gamma.timeout, 5);
    assert.match((await svc.api('/jobs/gamma/code')).body.code, /gamma/);
  });

  it('updates a job when its file changes and the service reloads', async () => {
    await writeFile(join(jobsDir, 'alpha.js'), `// quickjobs: {"interval": 1800, "description": "changed"}\n${script('alpha v2')}`);
    await svc.api('/reload', { method: 'POST' });
    const alpha = (await svc.api('/jobs/alpha')).body;
    assert.equal(alpha.interval, 1800);
    assert.equal(alpha.description, 'changed');
    const code = (await svc.api('/jobs/alpha/code')).body;
    assert.match(code.code, /alpha v2/);
    assert.equal(code.version, 2);
  });

  it('leaves a job edited through the API alone, with one warning naming it', async () => {
    await svc.api('/jobs/alpha', { method: 'PUT', body: { description: 'mine now' } });
    await writeFile(join(jobsDir, 'alpha.js'), `// quickjobs: {"interval": 60}\n${script('alpha v3')}`);
    await svc.api('/reload', { method: 'POST' });
    await svc.api('/reload', { method: 'POST' });
    const alpha = (await svc.api('/jobs/alpha')).body;
    assert.equal(alpha.description, 'mine now');
    assert.equal(alpha.interval, 1800);
    assert.equal(alpha.owner, 'user');
    const warnings = svc.output().split('\n').filter((line) => line.includes('"alpha"') && /"level":"warn"/.test(line));
    assert.equal(warnings.length, 1, svc.output());
  });

  it('removes a folder-owned job when its file goes', async () => {
    await unlink(join(jobsDir, 'beta.js'));
    await svc.api('/reload', { method: 'POST' });
    assert.deepEqual(await names(svc), ['alpha', 'gamma']);
  });

  it('skips a file with a syntax error and a jobs.json entry naming a missing file, loading the rest', async () => {
    await writeFile(join(jobsDir, 'broken.js'), 'const job = core.job(;\nreturn job;\n');
    await writeFile(join(jobsDir, 'delta.js'), `// quickjobs: {"interval": 10}\n${script('delta')}`);
    await writeFile(
      join(jobsDir, 'jobs.json'),
      JSON.stringify([
        { name: 'gamma', file: 'gamma-source.js', interval: 120, timeout: 5 },
        { name: 'ghost', file: 'ghost.js', interval: 5 },
      ]),
    );
    await svc.api('/reload', { method: 'POST' });
    assert.deepEqual(await names(svc), ['alpha', 'delta', 'gamma']);
    const output = svc.output();
    assert.match(output, /broken/);
    assert.match(output, /ghost/);
  });

  it('exports every job so that a new service reading the export has the same settings and code', async () => {
    await svc.api('/jobs', {
      method: 'POST',
      body: { name: 'api-made', cron: '*/5 * * * *', timezone: 'America/New_York', timeout: 12, missed: 'skip', onError: 'continue', runOnce: false, notify: { email: ['ops@example.com'], webhook: null }, code: script('api') },
    });
    await svc.stop();
    const exportDir = await mkdtemp(join(tmpdir(), 'quickjobs-export-'));
    await run(process.execPath, ['--import', 'tsx', join(ROOT, 'service/cli.ts'), 'export', exportDir], {
      cwd: ROOT,
      env: { ...process.env, QUICKJOBS_DATA_DIR: svc.dataDir },
    });
    assert.ok((await readdir(exportDir)).includes('api-made.js'));
    const before = await startService({ dataDir: svc.dataDir, jobsDir: svc.jobsDir });
    started.push(before);
    const imported = await startService({ jobsDir: exportDir });
    started.push(imported);
    const settings = (job: Record<string, unknown>) => {
      const { name, description, interval, cron, timezone, runOnce, active, timeout, missed, onError, notify } = job;
      return { name, description, interval, cron, timezone, runOnce, active, timeout, missed, onError, notify };
    };
    const original = (await before.api('/jobs')).body.map(settings);
    const copy = (await imported.api('/jobs')).body.map(settings);
    assert.deepEqual(copy, original);
    for (const job of original) {
      const a = (await before.api(`/jobs/${job.name}/code`)).body.code;
      const b = (await imported.api(`/jobs/${job.name}/code`)).body.code;
      assert.equal(b, a, `code of ${job.name}`);
    }
    await rm(exportDir, { recursive: true, force: true });
    await rm(jobsDir, { recursive: true, force: true });
  });
});
