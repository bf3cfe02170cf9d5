/**
 * A TypeScript job in the webmin, in a real browser against the real service: the language chosen
 * in the form, the editor in TypeScript with the `core` typings, a type error marked but saved, a
 * syntax error marked at its TypeScript line and refused; both pages pass axe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gate, probeChromium } from '../helpers/require-service.js';
import { startService, waitFor, type ServiceHandle } from '../helpers/service.js';
import { accessibilityViolations } from './axe.js';
import { collectPageErrors, editorHook, launchChromium, logIn } from './browser.js';

const skip = await gate('browser', probeChromium);

const TYPED_JOB = `const job = core.job();
interface Stock { sku: string; count: number }
job.run = async function (): Promise<QuickJobs.JobResult> {
  const stock: Stock = { sku: 'a', count: 'three' };
  core.log(stock.sku);
  return job.OK;
};
return job;
`;

describe('a TypeScript job in the webmin', { skip }, () => {
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
    await page.goto(url('#/new'));
    await logIn(page, service.password);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await service?.cleanup();
  });

  it('creates a TypeScript job with the language chosen in the form, by keyboard', async () => {
    await page.locator('#name').fill('typed');
    await page.locator('#interval').fill('3600');
    await page.locator('#language').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#language').inputValue(), 'typescript');
    assert.deepEqual(await accessibilityViolations(page), [], 'the job form');
    await page.locator('#interval').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/jobs\/typed\/code$/);
    const job = (await service.api('/jobs/typed')).body;
    assert.equal(job.language, 'typescript');
    assert.equal(job.path, 'typed.ts');
  });

  it('checks the code as TypeScript against the core typings and marks a type error', async () => {
    await editor().ready();
    await waitFor(async () => (await editor().getValue()).includes('Place your job code'), 10_000, 'the template');
    await editor().setValue(TYPED_JOB);
    const marked = await editor().waitForMarkers((m) => m.some((x) => /'string' is not assignable to type 'number'/.test(x.message)), 'the type error');
    const mark = marked.find((m) => /not assignable/.test(m.message))!;
    assert.equal(mark.line, 4);
    assert.notEqual(mark.owner, 'quickjobs', 'the mark comes from the typings, not a save');
    await editor().setValue(TYPED_JOB.replace("count: 'three'", 'count: 3').replace('core.log(stock.sku)', 'core.mysql.selectt("db", { tbl: "t" })'));
    await editor().waitForMarkers((m) => m.some((x) => x.message.includes('selectt')), 'a mark on a misspelt helper');
    assert.deepEqual(await accessibilityViolations(page), [], 'the editor page');
  });

  it('saves code with a type error: types are marks, not a refusal', async () => {
    await editor().setValue(TYPED_JOB);
    await editor().focus();
    await page.keyboard.press('Control+s');
    await page.locator('[data-save-state="saved"]', { hasText: 'version 2' }).waitFor();
    const code = (await service.api('/jobs/typed/code')).body;
    assert.equal(code.code, TYPED_JOB);
    assert.equal(code.language, 'typescript');
  });

  it('refuses a syntax error and marks it at its TypeScript line', async () => {
    await editor().setValue('const job = core.job();\ninterface A { a: number }\nconst a: A = { a: 1 ;\nreturn job;\n');
    await page.keyboard.press('Control+s');
    await page.locator('.alert', { hasText: 'syntax error on line 3' }).waitFor();
    const markers = await editor().waitForMarkers((m) => m.some((x) => x.owner === 'quickjobs'), 'the syntax mark');
    assert.equal(markers.find((m) => m.owner === 'quickjobs')?.line, 3);
    assert.equal((await service.api('/jobs/typed/code')).body.version, 2, 'nothing was saved');
  });

  it('says beside the Language select why code with types cannot turn JavaScript', async () => {
    // Back to the saved code, so leaving the editor asks nothing.
    await editor().setValue(TYPED_JOB);
    await page.goto(url('#/jobs/typed'));
    await page.locator('#language').waitFor();
    await page.locator('#language').selectOption('javascript');
    await page.locator('button[type="submit"]', { hasText: 'Update' }).click();
    await page.locator('[data-error-for="language"]', { hasText: 'not valid JavaScript' }).waitFor();
    assert.equal(await page.locator('#language').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await accessibilityViolations(page), [], 'the form with the error');
    const job = (await service.api('/jobs/typed')).body;
    assert.equal(job.language, 'typescript');
    assert.equal(job.version, 2, 'nothing was saved');
    assert.deepEqual(pageErrors, []);
  });
});
