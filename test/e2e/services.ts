/**
 * What the end-to-end files share: services that end with the test that started them (left
 * running, one test's jobs would run on beside the tests after it and take their cores), a job's
 * code from its body, and a job's latest runs.
 */
import { afterEach } from 'node:test';
import { startService, type ServiceHandle } from '../helpers/service.js';

const started: ServiceHandle[] = [];
afterEach(async () => {
  for (const svc of started.splice(0)) {
    await svc.kill();
    await svc.cleanup();
  }
});

export async function start(options: Parameters<typeof startService>[0] = {}): Promise<ServiceHandle> {
  const svc = await startService(options);
  started.push(svc);
  return svc;
}

export function jobCode(body: string): string {
  return `const job = core.job();\njob.run = async () => {\n${body}\n};\nreturn job;\n`;
}

export async function runs(svc: ServiceHandle, job: string): Promise<Array<Record<string, any>>> {
  return (await svc.api(`/runs?job=${job}&limit=100`)).body;
}
