/** `quickjobs pull` and `quickjobs push`: their flags read, the client made, failures said in one line. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { pullCommand, type SyncOutput } from './pull-command.js';
import { pushCommand } from './push-command.js';
import { ServiceClient, SyncError } from './service-client.js';

const CONSOLE: SyncOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

export const SYNC_USAGE = `  pull <dir> --url <service> [--token <token>] [--force]
                      write every job of a running service into dir (settings line + code);
                      files edited since the last pull are kept unless --force
  push <dir> --url <service> [--token <token>] [--dry-run | --yes] [--force]
                      show what dir changes on the service; --yes applies it, --force overwrites
                      jobs changed on the service since the pull (token also from QUICKJOBS_TOKEN)`;

export async function syncCommand(command: 'pull' | 'push', args: string[], env: NodeJS.ProcessEnv, output: SyncOutput = CONSOLE): Promise<number> {
  let values: { url?: string; token?: string; 'dry-run'?: boolean; yes?: boolean; force?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'dry-run': { type: 'boolean' },
        yes: { type: 'boolean' },
        force: { type: 'boolean' },
      },
    }));
  } catch (error) {
    output.err(`quickjobs ${command}: ${(error as Error).message}\n\n${SYNC_USAGE}`);
    return 2;
  }
  const [dir, ...extra] = positionals;
  const pushOnly = command === 'pull' && (values['dry-run'] || values.yes);
  const problem = pushOnly ? 'takes no --dry-run or --yes (those are for push)' : !dir ? 'needs a folder' : extra.length > 0 ? `takes one folder, not ${positionals.length}` : !values.url ? 'needs --url <service>' : values['dry-run'] && values.yes ? 'takes --dry-run or --yes, not both' : null;
  if (problem) {
    output.err(`quickjobs ${command}: ${problem}\n\n${SYNC_USAGE}`);
    return 2;
  }
  try {
    const client = new ServiceClient(values.url!, values.token ?? env.QUICKJOBS_TOKEN);
    const folder = resolve(dir!);
    if (command === 'pull') return await pullCommand(folder, client, values.url!, output, values.force === true);
    return await pushCommand(folder, client, { apply: values.yes === true, force: values.force === true, url: values.url! }, output);
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    output.err(`quickjobs ${command}: ${error.message}`);
    return 1;
  }
}
