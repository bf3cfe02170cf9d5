/** Real temporary jobs folders for bootstrap tests. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export async function tempFolder(files: Record<string, string> = {}): Promise<{
  dir: string;
  write(files: Record<string, string>): Promise<void>;
  remove(file: string): Promise<void>;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'quickjobs-folder-'));
  const write = async (more: Record<string, string>): Promise<void> => {
    for (const [file, text] of Object.entries(more)) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), text);
    }
  };
  await write(files);
  return {
    dir,
    write,
    remove: (file) => rm(join(dir, file)),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A small valid script. */
export function script(body = 'return job.OK;'): string {
  return `const job = core.job();\n\njob.run = async function () {\n  ${body}\n};\n\nreturn job;\n`;
}
