/**
 * Job parameters in a real browser against the real service: the job form's name/value rows with
 * what each resolves to now, a bad row refused beside it, "Run with…" for one run only, Rerun on
 * a finished run, and `job.params.` completing the job's own names in the editor. Each view is
 * checked against WCAG 2.1 AA with axe-core and driven by the keyboard.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gate, probeChromium } from '../helpers/require-service.js';
import { startService, waitFor, type ServiceHandle } from '../helpers/service.js';
import { accessibilityViolations } from './axe.js';
import { collectPageErrors, editorHook, launchChromium, logIn } from './browser.js';

const skip = await gate('browser', probeChromium);
const ECHO = `const job = core.job();
job.run = async function () {
  core.log(JSON.stringify(job.params));
  return job.OK;
};
return job;
`;

describe('job parameters in the webmin', { skip }, () => {
  let service: ServiceHandle;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const url = (hash = '') => `${service.baseUrl}/${hash}`;

  before(async () => {
    service = await startService();
    assert.equal((await service.api('/secrets/api-key', { method: 'PUT', body: { value: 'sk_browser_secret_1' } })).status, 200);
    const created = await service.api('/jobs', {
      method: 'POST',
      body: { name: 'checker', interval: 3600, active: false, code: ECHO, params: { url: 'https://a.example', year: '{{date:YYYY}}', key: { $secret: 'api-key' }, retries: 3 } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    pageErrors = collectPageErrors(page);
    await page.goto(url());
    await logIn(page, service.password);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await service?.cleanup();
  });

  it('shows the params as rows with what each resolves to now, a secret by its name only', async () => {
    await page.goto(url('#/jobs/checker'));
    const rows = page.locator('qj-job-form fieldset qj-params-rows tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 4);
    assert.equal(await page.locator('qj-job-form fieldset qj-params-rows #param-value-0').inputValue(), 'https://a.example');
    assert.equal(await page.locator('qj-job-form fieldset qj-params-rows #param-value-3').inputValue(), '3');
    const year = String(new Date().getUTCFullYear());
    assert.equal((await page.locator('qj-job-form fieldset qj-params-rows [data-now-for="year"]').innerText()).trim(), year);
    assert.equal((await page.locator('qj-job-form fieldset qj-params-rows [data-now-for="key"]').innerText()).trim(), '(secret api-key)');
    assert.equal((await page.locator('qj-job-form fieldset qj-params-rows [data-now-for="url"]').innerText()).trim(), '', 'a fixed value resolves to itself');
    assert.deepEqual(await accessibilityViolations(page), []);
  });

  it('adds a row by keyboard, shows its resolution as it is typed, and saves it with Update', async () => {
    await page.locator('qj-job-form fieldset qj-params-rows button.add').focus();
    await page.keyboard.press('Enter');
    // The new row's name takes the focus.
    await page.keyboard.type('day');
    await page.keyboard.press('Tab');
    await page.keyboard.type('{{date-1d:YYYY}}');
    await page.locator('qj-job-form fieldset qj-params-rows [data-now-for="day"]').filter({ hasText: /^\d{4}$/ }).waitFor();
    await page.locator('button[type="submit"]').click();
    await page.locator('.notice', { hasText: 'Saved the settings of checker' }).waitFor();
    const job = (await service.api('/jobs/checker')).body;
    assert.equal(job.params.day, '{{date-1d:YYYY}}');
    assert.deepEqual(job.params.key, { $secret: 'api-key' });
    assert.deepEqual(await accessibilityViolations(page), []);
  });

  it('refuses a value that looks like JSON but is not, beside its row, and saves nothing', async () => {
    await page.locator('qj-job-form fieldset qj-params-rows #param-value-3').fill('[1, 2');
    await page.locator('button[type="submit"]').click();
    await page.locator('[data-error-for="params"]').waitFor();
    assert.match(await page.locator('qj-job-form fieldset qj-params-rows .row-error').innerText(), /does not parse/);
    assert.equal((await service.api('/jobs/checker')).body.params.retries, 3);
    assert.deepEqual(await accessibilityViolations(page), []);
    await page.locator('qj-job-form fieldset qj-params-rows #param-value-3').fill('3');
  });

  it('runs with other params for one run only through "Run with…", then opens the run', async () => {
    await page.goto(url('#/jobs/checker'));
    await page.locator('button.run-with').click();
    const dialog = page.locator('qj-run-with-dialog dialog[open]');
    await dialog.waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await page.locator('qj-run-with-dialog #run-param-value-0').fill('https://b.example');
    await page.locator('qj-run-with-dialog button.run').click();
    await page.locator('qj-runs-page .detail', { hasText: 'https://b.example' }).waitFor({ timeout: 20_000 });
    const detail = await page.locator('qj-runs-page .detail').innerText();
    assert.match(detail, /"key":"\*\*\*"/, 'the secret reads ***');
    assert.ok(!detail.includes('sk_browser_secret_1'));
    assert.equal((await service.api('/jobs/checker')).body.params.url, 'https://a.example', 'the job keeps its own');
  });

  it('reruns a finished run with its params, and opens the new run', async () => {
    const before = Number(new URL(page.url()).hash.match(/run=(\d+)/)![1]);
    await page.locator('qj-runs-page button.rerun-same').focus();
    await page.keyboard.press('Enter');
    await waitFor(async () => Number(new URL(page.url()).hash.match(/run=(\d+)/)?.[1]) > before, 20_000, 'the new run to open');
    const id = Number(new URL(page.url()).hash.match(/run=(\d+)/)![1]);
    const run = (await service.api(`/runs/${id}`)).body;
    const old = (await service.api(`/runs/${before}`)).body;
    assert.deepEqual(run.params, old.params);
    assert.equal(run.params.url, 'https://b.example');
    await page.locator('qj-runs-page .detail h2', { hasText: `Run #${id}` }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
  });

  it("completes job.params. with the job's own names", async () => {
    await page.goto(url('#/jobs/checker/code'));
    const editor = editorHook(page);
    await editor.ready();
    await waitFor(async () => (await editor.getValue()).includes('job.params'), 10_000, 'the code');
    await editor.setValue('const job = core.job();\njob.run = async () => job.OK;\nreturn job;\n');
    await editor.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('job.params.');
    const rows = page.locator('.suggest-widget.visible .monaco-list-row');
    const retries = rows.filter({ hasText: 'retries' });
    for (let attempt = 0; attempt < 4 && !(await retries.count()); attempt++) {
      await retries.first().waitFor({ timeout: 5_000 }).catch(async () => {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+Space');
      });
    }
    const labels = await rows.allTextContents();
    for (const name of ['url', 'year', 'key', 'retries', 'day']) assert.ok(labels.some((label) => label.startsWith(name)), `completions: ${labels.join(', ')}`);
    await page.keyboard.press('Escape');
    // Typed from the values: a number is not a string.
    await editor.setValue('const job = core.job();\njob.run = async () => { job.params.retries.toUpperCase(); return job.OK; };\nreturn job;\n');
    await editor.waitForMarkers((m) => m.some((x) => x.message.includes('toUpperCase')), 'a mark on toUpperCase of a number');
    assert.deepEqual(pageErrors, []);
  });
});
