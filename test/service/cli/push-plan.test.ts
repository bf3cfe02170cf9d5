/** The push plan from the folder, the service and the pull: each case of "changed where". */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { FolderJob } from '../../../service/bootstrap/types.js';
import { DEFAULT_SETTINGS } from '../../../service/jobs/job-input.js';
import { describeAction, planPush } from '../../../service/cli/push-plan.js';
import type { RemoteJob } from '../../../service/cli/service-client.js';
import { codeHash, type SyncState } from '../../../service/cli/sync-state.js';

const SETTINGS = { ...DEFAULT_SETTINGS, interval: 60 };

function local(name: string, code = 'code', overrides: Partial<typeof SETTINGS> = {}): FolderJob {
  const fields = { ...SETTINGS, ...overrides, name };
  return { name, file: `${name}.${fields.language === 'typescript' ? 'ts' : 'js'}`, path: `/f/${name}.js`, fields, code, sourceHash: '' };
}

function remote(name: string, version = 1, overrides: Partial<typeof SETTINGS> = {}): RemoteJob {
  return { ...SETTINGS, ...overrides, name, version, updatedAt: '2026-01-01T00:00:00.000Z' };
}

function pulled(...names: string[]): SyncState {
  return { url: 'http://x', pulledAt: '', jobs: Object.fromEntries(names.map((name) => [name, { file: `${name}.js`, version: 1, settings: SETTINGS, codeHash: codeHash('code') }])) };
}

const plan = (...args: Parameters<typeof planPush>) => planPush(...args).map(describeAction);

describe('the push plan', () => {
  it('leaves a job alone when only the service changed it', () => {
    assert.deepEqual(plan([local('a')], pulled('a'), [remote('a', 3)], false), []);
  });

  it('does not count the scheduler turning a job off as a change on the service', () => {
    assert.deepEqual(plan([local('a', 'new code')], pulled('a'), [remote('a', 1, { active: false })], false), ['update   a: code']);
  });

  it('sends a new language with the code, which must be stripped in it', () => {
    assert.deepEqual(plan([local('a', 'code', { language: 'typescript' })], pulled('a'), [remote('a')], false), ['update   a: language, code']);
  });

  it('counts a job the service has but the folder never pulled as a conflict, and overwrites it with force', () => {
    assert.match(plan([local('a')], null, [remote('a')], false)[0]!, /^CONFLICT a: the service has a job of this name/);
    assert.deepEqual(plan([local('a')], null, [remote('a')], true), ['update   a: code']);
  });

  it('refuses to delete a job changed on the service since the pull', () => {
    assert.match(plan([], pulled('a'), [remote('a', 1, { interval: 5 })], false)[0]!, /^CONFLICT a: its file was deleted here, but its settings changed on the service since the pull \(interval\)/);
    assert.deepEqual(plan([], pulled('a'), [remote('a')], false), ['delete   a']);
  });

  it('counts an edit of a job deleted on the service as a conflict, and recreates it with force', () => {
    assert.match(plan([local('a', 'edited')], pulled('a'), [], false)[0]!, /^CONFLICT a: it was deleted on the service since the pull/);
    assert.deepEqual(plan([local('a', 'edited')], pulled('a'), [], true), ['create   a (a.js)']);
  });
});
