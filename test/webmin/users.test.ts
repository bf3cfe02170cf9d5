/**
 * Users and roles in a real browser against the real service (SPEC §14): a viewer sees no Save,
 * Run or Delete anywhere and no admin pages; an admin adds a user and makes a token on pages that
 * pass axe (WCAG 2.1 AA) and work by keyboard; the job form says who changed the job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gate, probeChromium } from '../helpers/require-service.js';
import { startService, type ServiceHandle } from '../helpers/service.js';
import { accessibilityViolations } from './axe.js';
import { collectPageErrors, launchChromium, logIn } from './browser.js';

const skip = await gate('browser', probeChromium);

describe('users and roles in the webmin', { skip }, () => {
  let service: ServiceHandle;
  let browser: Browser;
  let pageErrors: string[];

  before(async () => {
    service = await startService();
    assert.equal((await service.api('/jobs', { method: 'POST', body: { name: 'watched', interval: 3600 } })).status, 201);
    assert.equal((await service.api('/users', { method: 'POST', body: { name: 'vera', role: 'viewer', password: 'vera-password' } })).status, 201);
    assert.equal((await service.api('/users', { method: 'POST', body: { name: 'otto', role: 'operator', password: 'otto-password' } })).status, 201);
    assert.equal((await service.api('/secrets/API_KEY', { method: 'PUT', body: { value: 'a-secret-value' } })).status, 200);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await service?.cleanup();
  });

  async function signedIn(name: string, password: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pageErrors = collectPageErrors(page);
    await page.goto(`${service.baseUrl}/`);
    await page.locator('#user-name:focus').waitFor();
    await logIn(page, password, name);
    await page.locator('qj-dashboard-page h1', { hasText: 'Dashboard' }).waitFor();
    return page;
  }

  it('shows a viewer no Save, Run, Delete, Reload or New job, and no admin pages', async () => {
    const page = await signedIn('vera', 'vera-password');
    await page.locator('.who', { hasText: 'vera' }).waitFor();
    for (const label of ['Users', 'Tokens', 'Audit']) assert.equal(await page.locator('nav.pages a', { hasText: label }).count(), 0, label);
    await page.goto(`${service.baseUrl}/#/jobs`);
    await page.locator('qj-jobs-table', { hasText: 'watched' }).waitFor();
    assert.equal(await page.locator('qj-jobs-page a', { hasText: 'New job' }).count(), 0);
    assert.equal(await page.locator('qj-jobs-page button', { hasText: 'Reload' }).count(), 0);
    await page.goto(`${service.baseUrl}/#/jobs/watched`);
    await page.locator('qj-job-form .history', { hasText: 'Created by QUICKJOBS_API_TOKEN' }).waitFor();
    assert.equal(await page.locator('qj-job-form button', { hasText: /Update|Delete|Run now|Deactivate/ }).count(), 0);
    await page.goto(`${service.baseUrl}/#/jobs/watched/code`);
    await page.locator('qj-editor-page', { hasText: 'Read only' }).waitFor();
    assert.equal(await page.locator('qj-editor-page button', { hasText: /Save|Run|Restore/ }).count(), 0);
    await page.goto(`${service.baseUrl}/#/secrets`);
    await page.locator('qj-secrets-page td', { hasText: 'API_KEY' }).waitFor();
    assert.equal(await page.locator('qj-secrets-page button', { hasText: /Save|Replace|Delete/ }).count(), 0);
    assert.equal(await page.locator('qj-secrets-page', { hasText: 'a-secret-value' }).count(), 0);
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('lets an operator switch a job off and run it, but not edit it', async () => {
    const page = await signedIn('otto', 'otto-password');
    await page.goto(`${service.baseUrl}/#/jobs/watched`);
    await page.locator('qj-job-form .history').waitFor();
    assert.equal(await page.locator('qj-job-form button', { hasText: /Update|Delete/ }).count(), 0);
    await page.locator('qj-job-form button.toggle-active', { hasText: 'Deactivate' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('qj-job-form button.toggle-active', { hasText: 'Activate' }).waitFor();
    assert.equal((await service.api('/jobs/watched')).body.active, false);
    const audit = (await service.api('/audit?action=job.deactivate')).body as Array<{ user: string; via: string }>;
    assert.deepEqual(audit.map((row) => [row.user, row.via]), [['otto', 'webmin']]);
    await page.locator('qj-job-form button.run-now').click();
    await page.locator('qj-job-form .notice', { hasText: /Run \d+ of watched ended/ }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('lets an admin add a user and make a token by keyboard, on pages that pass axe', async () => {
    const page = await signedIn('admin', service.password);
    await page.locator('nav.pages a', { hasText: 'Users' }).click();
    await page.locator('#user-name').waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await page.locator('#user-name').focus();
    await page.keyboard.type('olga');
    await page.keyboard.press('Tab');
    await page.keyboard.press('End'); // the last role: admin
    await page.keyboard.press('ArrowUp'); // editor
    await page.keyboard.press('Tab');
    await page.keyboard.type('olga-password');
    await page.keyboard.press('Enter');
    await page.locator('tr[data-user="olga"]').waitFor();
    const olga = ((await service.api('/users')).body as Array<{ name: string; role: string }>).find((user) => user.name === 'olga');
    assert.equal(olga?.role, 'editor');
    await page.locator('tr[data-user="olga"] button', { hasText: 'Set password' }).click();
    await page.locator('#new-password:focus').waitFor();
    await page.keyboard.type('olga-second-password');
    await page.keyboard.press('Enter');
    await page.locator('qj-users-page .notice', { hasText: "Changed olga's password" }).waitFor();
    const relogin = await fetch(`${service.baseUrl}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: service.baseUrl },
      body: JSON.stringify({ name: 'olga', password: 'olga-second-password' }),
    });
    assert.equal(relogin.status, 200);
    assert.deepEqual(await accessibilityViolations(page), []);

    await page.locator('nav.pages a', { hasText: 'Tokens' }).click();
    await page.locator('#token-name').focus();
    await page.keyboard.type('deploys');
    await page.keyboard.press('Enter');
    const shown = (await page.locator('#new-token').textContent())!.trim();
    assert.match(shown, /^qjt_/);
    assert.equal((await service.api('/status', { headers: { authorization: `Bearer ${shown}` } })).status, 200);
    await page.locator('tr[data-token] td', { hasText: 'deploys' }).first().waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);

    await page.locator('nav.pages a', { hasText: 'Audit' }).click();
    await page.locator('qj-audit-page td code', { hasText: 'token.create' }).first().waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('lets anyone change their own password, and then asks them to sign in with it', async () => {
    const page = await signedIn('vera', 'vera-password');
    await page.locator('a.who', { hasText: 'vera' }).click();
    await page.locator('#current-password').focus();
    assert.deepEqual(await accessibilityViolations(page), []);
    await page.keyboard.type('vera-password');
    await page.keyboard.press('Tab');
    await page.keyboard.type('vera-new-password');
    await page.keyboard.press('Enter');
    await page.locator('qj-login-page').waitFor();
    await logIn(page, 'vera-new-password', 'vera');
    await page.locator('a.who', { hasText: 'vera' }).waitFor();
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
