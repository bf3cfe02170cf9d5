/**
 * The webmin in a real browser against the real service: one service and one page for the whole
 * story, told in order (log in, create, edit, save, run, watch, reload, delete), because each step
 * starts where a user would be after the previous one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gate, probeChromium } from '../helpers/require-service.js';
import { startService, waitFor, type ServiceHandle } from '../helpers/service.js';
import { collectPageErrors, editorHook, launchChromium, logIn, scrollWidth } from './browser.js';

const skip = await gate('browser', probeChromium);

const WORKING_JOB = `const job = core.job();

job.run = async function () {
  core.log('tick from the saved code');
  return job.OK;
};

return job;
`;

describe('the webmin in a browser', { skip }, () => {
  let service: ServiceHandle;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const editor = () => editorHook(page);
  const url = (hash = '') => `${service.baseUrl}/${hash}`;

  before(async () => {
    service = await startService();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    pageErrors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await service?.cleanup();
  });

  it('refuses a wrong password with a plain message, then lets the right one in', async () => {
    await page.goto(url());
    await page.locator('#password').fill('not-the-password');
    await page.keyboard.press('Enter');
    await page.locator('#login-error', { hasText: 'do not match' }).waitFor();
    await page.locator('#password').fill('');
    await logIn(page, service.password);
    // The dashboard is where a login lands; the jobs are one link away.
    await page.locator('qj-dashboard-page h1', { hasText: 'Dashboard' }).waitFor();
    await page.locator('nav a', { hasText: 'Jobs' }).click();
    await page.locator('text=No jobs yet').waitFor();
  });

  it('creates a job through the form, rejecting an invalid interval beside the field first', async () => {
    await page.locator('a', { hasText: 'New job' }).first().click();
    await page.locator('#name').fill('ticker');
    await page.locator('#interval').fill('0');
    await page.locator('[data-error-for="interval"]').waitFor();
    await page.locator('button[type="submit"]', { hasText: 'Create' }).click();
    assert.equal((await service.api('/jobs/ticker')).status, 404, 'an invalid form is not sent');
    await page.locator('#interval').fill('2');
    assert.equal(await page.locator('[data-error-for="interval"]').count(), 0);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/jobs\/ticker\/code$/);
    await editor().ready();
    await waitFor(async () => (await editor().getValue()).includes('//== Place your job code here'), 10_000, 'the template');
    const job = (await service.api('/jobs/ticker')).body;
    assert.equal(job.interval, 2);
  });

  it('shows the service’s own field error beside the field it names', async () => {
    await page.goto(url('#/new'));
    await page.locator('#name').fill('bad-cron');
    await page.locator('input[name="scheduleKind"][value="cron"]').check();
    await page.locator('#cron').fill('61 * * * *');
    await page.keyboard.press('Enter');
    await page.locator('[data-error-for="cron"]').waitFor();
    assert.equal((await service.api('/jobs/bad-cron')).status, 404);
  });

  it('completes core.mysql. and marks a misspelt helper, but not a correct job', async () => {
    await page.goto(url('#/jobs/ticker/code'));
    await editor().ready();
    await waitFor(async () => (await editor().getValue()).includes('Place your job code'), 10_000, 'the code');
    await editor().setValue('const job = core.job();\njob.run = async () => job.OK;\nreturn job;\n');
    await editor().focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('core.mysql.');
    const rows = page.locator('.suggest-widget.visible .monaco-list-row');
    // On a busy machine the TypeScript worker may still be starting when '.' is typed, and the
    // first list holds only words from the file: ask again (Ctrl+Space) until the typings answer.
    const helper = rows.filter({ hasText: 'selectCount' });
    for (let attempt = 0; attempt < 4 && !(await helper.count()); attempt++) {
      await helper.first().waitFor({ timeout: 5_000 }).catch(async () => {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+Space');
      });
    }
    const labels = await rows.allTextContents();
    assert.ok(labels.some((label) => label.startsWith('select')), `completions: ${labels.join(', ')}`);
    await page.keyboard.press('Escape');

    await editor().setValue(`${WORKING_JOB}await core.mysql.selectt('db', { tbl: 't' });\n`);
    const marked = await editor().waitForMarkers((m) => m.some((x) => x.message.includes('selectt')), 'a mark on selectt');
    assert.ok(marked.every((m) => m.owner !== 'quickjobs'), 'the mark comes from the typings, not a save');

    await editor().setValue(`${WORKING_JOB.replace('return job.OK;', 'await core.sleep(0);\n  return job.OK;')}`);
    await editor().waitForMarkers((m) => m.length === 0, 'no marks');
  });

  it('shows the JSDoc of a core helper on hover', async () => {
    await editor().setValue('const job = core.job();\njob.run = async () => {\n  await core.sleep(1);\n  return job.OK;\n};\nreturn job;\n');
    // Line 3 is '  await core.sleep(1);': column 16 is inside 'sleep'.
    const point = (await page.evaluate('window.__quickjobsEditor.pointAt(3, 16)')) as { x: number; y: number } | null;
    assert.ok(point, 'the editor reports where line 3 is drawn');
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'sleep' });
    // Like the completions, the hover needs the TypeScript worker: move away and back until it answers.
    for (let attempt = 0; attempt < 5 && !(await hover.count()); attempt++) {
      await page.mouse.move(0, 0);
      await page.mouse.move(point.x + 4, point.y);
      await hover.first().waitFor({ timeout: 4_000 }).catch(() => undefined);
    }
    const text = await hover.first().innerText();
    assert.match(text, /sleep\(seconds: number\)/);
    assert.match(text, /counted in the run/, 'the JSDoc line is shown, not only the signature');
    await page.mouse.move(0, 0);
  });

  it('saves with Ctrl+S against the opened version', async () => {
    await editor().setValue(WORKING_JOB);
    await editor().focus();
    await page.keyboard.press('Control+s');
    await page.locator('[data-save-state="saved"]', { hasText: 'version 2' }).waitFor();
    const { body } = await service.api('/jobs/ticker/code');
    assert.equal(body.code, WORKING_JOB);
    assert.equal(body.version, 2);
  });

  it('saves by itself once typing has paused for the autosave delay', async () => {
    // The page waits 60 s by default; the delay is a property so this test need not wait that long.
    await page.evaluate("document.querySelector('qj-app').shadowRoot.querySelector('qj-editor-page').autosaveMs = 300");
    const code = `${WORKING_JOB}// autosaved\n`;
    await editor().setValue(code);
    await page.locator('[data-save-state="saved"]', { hasText: 'version 3' }).waitFor({ timeout: 10_000 });
    assert.equal((await service.api('/jobs/ticker/code')).body.code, code);
    // Back to a minute, so no autosave lands in the middle of the steps that follow.
    await page.evaluate("document.querySelector('qj-app').shadowRoot.querySelector('qj-editor-page').autosaveMs = 60000");
  });

  it('marks a syntax error at its line when saving is refused', async () => {
    const broken = 'const job = core.job();\njob.run = async function () {\n  return job.OK;\n  const x = ;\n};\nreturn job;\n';
    await editor().setValue(broken);
    await page.keyboard.press('Control+s');
    await page.locator('.alert', { hasText: 'syntax error on line 4' }).waitFor();
    const markers = await editor().waitForMarkers((m) => m.some((x) => x.owner === 'quickjobs'), 'the syntax mark');
    assert.equal(markers.find((m) => m.owner === 'quickjobs')?.line, 4);
    assert.equal((await service.api('/jobs/ticker/code')).body.version, 3, 'nothing was saved');
  });

  it('runs the draft and shows its result and log beside the code', async () => {
    await editor().setValue(WORKING_JOB.replace('tick from the saved code', 'hello from the draft'));
    await page.locator('button', { hasText: 'Run draft' }).click();
    const draft = page.locator('section.draft');
    await draft.locator('text=hello from the draft').waitFor({ timeout: 20_000 });
    await draft.locator('.outcome', { hasText: 'OK' }).waitFor();
    assert.equal((await service.api('/jobs/ticker/code')).body.version, 3, 'a draft run saves nothing');
  });

  it('asks before leaving unsaved code, then updates the jobs table on schedule without a reload', async () => {
    await page.evaluate('window.__sameDocument = true');
    const dialog = page.waitForEvent('dialog');
    void page.locator('a.btn', { hasText: 'Jobs' }).click();
    const question = await dialog;
    assert.match(question.message(), /unsaved changes/);
    await question.accept();
    await page.locator('qj-jobs-table tr[data-job="ticker"]').waitFor();
    const lastRun = page.locator('tr[data-job="ticker"] td[data-label="Last run"] time');
    await lastRun.waitFor({ timeout: 20_000 });
    const first = await lastRun.getAttribute('datetime');
    await waitFor(async () => (await lastRun.getAttribute('datetime')) !== first, 20_000, 'a second scheduled run');
    assert.equal(await page.evaluate('window.__sameDocument'), true, 'the page was not reloaded');
  });

  it('shows a stopped job’s icon with what it means, and Reload brings it back', async () => {
    const code = 'const job = core.job();\njob.run = () => job.STOP;\nreturn job;\n';
    assert.equal((await service.api('/jobs', { method: 'POST', body: { name: 'stopper', interval: 3, code } })).status, 201);
    const icon = page.locator('tr[data-job="stopper"] qj-status-icon [role="img"]');
    await page.locator('tr[data-job="stopper"] [data-status="stop"]').waitFor({ timeout: 20_000 });
    const title = await icon.getAttribute('title');
    assert.match(title ?? '', /will not run again until a reload or restart/);
    assert.equal(await icon.getAttribute('aria-label'), title);

    await page.locator('button', { hasText: 'Reload' }).click();
    await page.locator('tr[data-job="stopper"] [data-status="ok"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-service-status="running"]').waitFor();
  });

  it('deletes a job only after a confirmation that names it', async () => {
    await page.locator('tr[data-job="stopper"] td.name a').click();
    await page.locator('button.delete').click();
    const dialog = page.locator('qj-confirm-dialog dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /stopper/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await service.api('/jobs/stopper')).status, 200, 'Escape deletes nothing');

    await page.locator('button.delete').click();
    await dialog.locator('button.confirm').click();
    await page.waitForURL(/#\/jobs$/);
    assert.equal((await service.api('/jobs/stopper')).status, 404);
    await page.locator('tr[data-job="stopper"]').waitFor({ state: 'detached' });
  });

  it('shows an unreachable alert target in the job\'s detail', async () => {
    const code = 'const job = core.job();\njob.run = () => { throw new Error("no disk"); };\nreturn job;\n';
    // Port 9 (discard) is closed here: every delivery attempt is refused.
    const notify = { email: [], webhook: 'http://127.0.0.1:9/hook' };
    assert.equal((await service.api('/jobs', { method: 'POST', body: { name: 'failing', interval: 1, notify, code } })).status, 201);
    await waitFor(async () => (await service.api('/jobs/failing/alerts')).body.length > 0, 10_000, 'an alert');
    await page.goto(url('#/jobs/failing'));
    const alert = page.locator('qj-alert-list li').first();
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /Failure notice by webhook to http:\/\/127\.0\.0\.1:9\/hook/);
    assert.match(text, /Last attempt failed/);
  });

  it('fits a 390 px wide screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/', '#/jobs', '#/runs', '#/jobs/ticker', '#/jobs/ticker/code']) {
      await page.goto(url(hash));
      await page.locator(hash.endsWith('code') ? 'qj-code-editor .monaco-editor' : 'h1').first().waitFor();
      assert.ok((await scrollWidth(page)) <= 390, `${hash} scrolls sideways`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('loads every asset from its own origin under the CSP, without script errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
