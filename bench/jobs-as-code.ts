/**
 * Jobs as code (SPEC §11): the time to strip a 500-line TypeScript job on save (esbuild's
 * transform, as the job service calls it), and `quickjobs pull` and `push` of 1,000 jobs against
 * a real service on loopback.
 *
 *   npm run bench -- typescript-strip sync-1000
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { syncCommand } from '../service/cli/sync-commands.js';
import { stripTypes } from '../service/jobs/typescript.js';
import { inParallel } from '../service/cli/pull-command.js';
import { startService } from '../test/helpers/service.js';

const STRIP_ROUNDS = 300;

/** A job of about 500 lines: interfaces, typed helpers, an enum, generics, as a real one might hold. */
export function typescriptJob(lines = 500): string {
  const block = (i: number) => `interface Row${i} { sku: string; count: number; seen?: Date }
enum Level${i} { Low = 1, High = 10 }
async function check${i}<T extends Row${i}>(rows: readonly T[]): Promise<number> {
  let low = 0;
  for (const row of rows) {
    if (row.count < Level${i}.Low) low += 1;
  }
  return low;
}
`;
  let code = 'const job = core.job();\n';
  for (let i = 0; code.split('\n').length < lines - 8; i++) code += block(i);
  code += `job.run = async (): Promise<QuickJobs.JobResult> => {
  const [rows, err] = await core.mysql.select('shop', { tbl: 'stock' });
  if (err !== null) return job.EXIT;
  core.log(await check0(rows as unknown as Row0[]));
  return job.OK;
};
return job;
`;
  return code;
}

export async function benchStrip(): Promise<Record<string, number>> {
  const code = typescriptJob();
  for (let i = 0; i < 20; i++) await stripTypes(code);
  const times: number[] = [];
  for (let i = 0; i < STRIP_ROUNDS; i++) {
    const started = performance.now();
    await stripTypes(code);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    'job lines': code.split('\n').length,
    'strip median ms': times[Math.floor(times.length / 2)]!,
    'strip p95 ms': times[Math.floor(times.length * 0.95)]!,
    'strip best ms': times[0]!,
  };
}

export async function benchSync(count = 1000): Promise<Record<string, number>> {
  const svc = await startService({ env: { QUICKJOBS_LOG_LEVEL: 'error' } });
  const dir = await mkdtemp(join(tmpdir(), 'quickjobs-bench-sync-'));
  const quiet = { out: () => {}, err: (line: string) => console.error(line) };
  try {
    const names = Array.from({ length: count }, (_, i) => `job-${String(i).padStart(4, '0')}`);
    await inParallel(names, 8, async (name) => {
      const typed = name.endsWith('0');
      const code = typed ? 'const job = core.job();\nconst n: number = 1;\njob.run = async () => { core.log(n); return job.OK; };\nreturn job;\n' : 'const job = core.job();\njob.run = async () => job.OK;\nreturn job;\n';
      const created = await svc.api('/jobs', { method: 'POST', body: { name, interval: 3600, active: false, code, ...(typed ? { language: 'typescript' } : {}) } });
      if (created.status !== 201) throw new Error(`create ${name}: ${created.status}`);
    });
    const env = { QUICKJOBS_TOKEN: svc.token };
    let started = performance.now();
    if ((await syncCommand('pull', [dir, '--url', svc.baseUrl], env, quiet)) !== 0) throw new Error('pull failed');
    const pullMs = performance.now() - started;
    // Every file changed: a new line of code in each.
    await inParallel(names, 16, async (name) => {
      const file = join(dir, `${name}${name.endsWith('0') ? '.ts' : '.js'}`);
      await writeFile(file, `${await readFile(file, 'utf8')}// edited\n`);
    });
    started = performance.now();
    if ((await syncCommand('push', [dir, '--url', svc.baseUrl, '--yes'], env, quiet)) !== 0) throw new Error('push failed');
    const pushMs = performance.now() - started;
    started = performance.now();
    await syncCommand('push', [dir, '--url', svc.baseUrl, '--dry-run'], env, quiet);
    const noopMs = performance.now() - started;
    return { jobs: count, 'pull ms': pullMs, 'push (all changed) ms': pushMs, 'push (nothing to do) ms': noopMs };
  } finally {
    await svc.stop();
    await svc.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}
