/**
 * The docs cannot rot: every command in a shell block of README.md and docs/*.md either names a
 * real npm script or quickjobs command, or is a known system tool; the safe quickjobs commands
 * (`check` and `run` on a shipped job file) are run for real, and every job script in the docs
 * with a settings line passes the same checks a jobs-folder file does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { checkScript } from '../../sandbox/check.js';
import { splitSettingsLine } from '../../service/bootstrap/settings-line.js';
import { parseJobFields } from '../../service/jobs/job-input.js';
import { codeBlocks, shellCommands, type DocCommand } from './shell-commands.js';

/** Tools the operations docs use that are not ours to check. */
const SYSTEM_TOOLS = new Set([
  'cd', 'cp', 'mv', 'mkdir', 'cat', 'ls', 'rm', 'tar', 'chown', 'export', 'curl', 'git', 'node',
  'openssl', 'sqlite3', 'mysqldump', 'mysql', 'systemctl', 'journalctl', 'useradd', 'kill', 'docker',
]);
/** npm's own commands that need no script. */
const NPM_BUILTINS = new Set(['ci', 'install', 'i']);

async function docFiles(): Promise<string[]> {
  const docs = existsSync('docs') ? (await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f)) : [];
  return ['README.md', ...docs.sort()];
}

function where(command: DocCommand): string {
  return `${command.file}: ${command.line}`;
}

/** The source CLI, so the test needs no build; `npx quickjobs` runs the same `main` from dist/. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'service/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the commands in the docs', () => {
  let commands: DocCommand[] = [];
  let scripts: Record<string, string> = {};
  let cliCommands = new Set<string>();
  let dataDir = '';

  before(async () => {
    for (const file of await docFiles()) commands.push(...shellCommands(file, await readFile(file, 'utf8')));
    scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    const help = cli(['help']);
    assert.equal(help.status, 0, help.output);
    // The usage lists each command indented by two spaces: "  check <file>   check a job file…".
    cliCommands = new Set([...help.output.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!));
    dataDir = await mkdtemp(join(tmpdir(), 'quickjobs-docs-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('include the quick start', () => {
    const lines = commands.filter((c) => c.file === 'README.md').map((c) => c.words.join(' '));
    for (const expected of ['npm ci', 'npm start', 'npm test']) assert.ok(lines.includes(expected), `README shows ${expected}`);
    assert.ok(cliCommands.has('check') && cliCommands.has('start'), `the CLI lists its commands: ${[...cliCommands].join(', ')}`);
  });

  it('name real npm scripts', () => {
    for (const command of commands.filter((c) => c.words[0] === 'npm')) {
      const [, verb, name] = command.words;
      if (verb !== undefined && NPM_BUILTINS.has(verb)) continue;
      const script = verb === 'run' || verb === 'run-script' ? name : verb;
      assert.ok(script !== undefined && script in scripts, `${where(command)}: no npm script "${script}"`);
    }
  });

  it('name real quickjobs commands, and the safe ones succeed', () => {
    const quickjobs = commands.flatMap((command) => {
      const [first, second, ...rest] = command.words;
      if (first === 'npx' && second === 'quickjobs') return [{ command, args: rest }];
      if (first === 'node' && second?.endsWith('bin/quickjobs.js')) return [{ command, args: rest }];
      if (first === 'quickjobs') return [{ command, args: command.words.slice(1) }];
      return [];
    });
    assert.ok(quickjobs.length > 0, 'the docs show quickjobs commands');
    for (const { command, args } of quickjobs) {
      const [name, ...operands] = args;
      assert.ok(name !== undefined && cliCommands.has(name), `${where(command)}: "${name}" is not a quickjobs command`);
      // Only commands that read a shipped job file are run: they change nothing outside a temp store.
      const safe = (name === 'check' || name === 'run') && operands.length === 1 && operands[0]!.startsWith('jobs/') && existsSync(operands[0]!);
      if (!safe) continue;
      const result = cli(args, { QUICKJOBS_DATA_DIR: dataDir, QUICKJOBS_LOG_LEVEL: 'silent' });
      assert.equal(result.status, 0, `${where(command)} exits 0:\n${result.output}`);
    }
  });

  it('use only tools a reader has', () => {
    for (const command of commands) {
      const [first] = command.words;
      const ours = first === 'npm' || first === 'npx' || first === 'quickjobs';
      assert.ok(ours || SYSTEM_TOOLS.has(first!), `${where(command)}: unknown command "${first}"`);
    }
  });
});

describe('the start settings', () => {
  it('are the same in npm start, the quickjobs command and the systemd unit', async () => {
    // Node's flags and the environment assignments of a command line (`NAME=value node --flag …`).
    const flags = (line: string) => line.split(/\s+/).filter((word) => word.startsWith('--'));
    const settings = (line: string) => line.split(/\s+/).filter((word) => /^[A-Z_]+=/.test(word));
    const start = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
    const expected = flags(start);
    assert.ok(expected.some((flag) => flag.startsWith('--max-old-space-size=')), 'npm start sets the heap flags');
    assert.ok(settings(start).includes('MALLOC_ARENA_MAX=2'), 'npm start sets MALLOC_ARENA_MAX');
    const shebang = (await readFile('bin/quickjobs.js', 'utf8')).split('\n')[0]!;
    assert.deepEqual(flags(shebang), expected, 'bin/quickjobs.js');
    assert.deepEqual(settings(shebang), settings(start), 'bin/quickjobs.js sets what npm start sets');
    const operations = await readFile('docs/OPERATIONS.md', 'utf8');
    const unit = /^ExecStart=(.*)$/m.exec(operations)?.[1] ?? '';
    assert.deepEqual(flags(unit), expected, 'the systemd unit in docs/OPERATIONS.md');
    const environment = [...operations.matchAll(/^Environment=(\S+)$/gm)].map((match) => match[1]);
    assert.deepEqual(environment, settings(start), 'the systemd unit sets what npm start sets');
  });

  it('start the quickjobs command', () => {
    const result = spawnSync('bin/quickjobs.js', ['--help'], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });
});

describe('the job scripts in the docs', () => {
  it('have valid settings and parse', async () => {
    let checked = 0;
    for (const file of await docFiles()) {
      for (const block of codeBlocks(await readFile(file, 'utf8'), /^(js|javascript)$/)) {
        const split = splitSettingsLine(block);
        if (split.kind !== 'settings') continue;
        const fields = parseJobFields({ ...(JSON.parse(split.json) as object), name: 'docs-example' }, 'create');
        assert.ok(fields.ok, `${file}: ${fields.ok ? '' : `${fields.field}: ${fields.message}`}\n${block}`);
        const result = await checkScript(split.code);
        assert.ok(result.ok, `${file}: ${result.ok ? '' : result.error.message}\n${block}`);
        checked += 1;
      }
    }
    assert.ok(checked > 0, 'the README shows a first job');
  });
});
