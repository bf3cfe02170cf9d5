/**
 * The operator's console in a real browser against the real service: the dashboard a login lands
 * on, the Runs page with its filters in the address, a run's live log and Cancel, each by keyboard
 * where a user would use it, at 1440 and 390 px, under the CSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gate, probeChromium } from '../helpers/require-service.js';
import { startService, waitFor, type ServiceHandle } from '../helpers/service.js';
import { accessibilityViolations } from './axe.js';
import { collectPageErrors, launchChromium, logIn, scrollWidth } from './browser.js';

const skip = await gate('browser', probeChromium);

const job = (body: string) => `const job = core.job(); job.run = async () => { ${body} }; return job;`;

describe('the operator console in a browser', { skip }, () => {
  let service: ServiceHandle;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const url = (hash = '') => `${service.baseUrl}/${hash}`;

  before(async () => {
    service = await startService();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    pageErrors = collectPageErrors(page);
    await service.api('/jobs', { method: 'POST', body: { name: 'good', interval: 3600, code: job('core.log("all fine"); return job.OK;') } });
    await service.api('/jobs', { method: 'POST', body: { name: 'bad', interval: 3600, onError: 'continue', code: job('throw new Error("broken on purpose");') } });
    for (let i = 0; i < 3; i++) await service.api('/jobs/good/run', { method: 'POST' });
    await service.api('/jobs/bad/run', { method: 'POST' });
    await service.api('/periods', {
      method: 'POST',
      body: { name: 'workhours', timezone: 'UTC', ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
    });
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await service?.cleanup();
  });

  it('lands on the dashboard after login, with the runs chart, its text alternative and the failing job', async () => {
    await page.goto(url());
    await logIn(page, service.password);
    const dashboard = page.locator('qj-dashboard-page');
    await dashboard.locator('h1', { hasText: 'Dashboard' }).waitFor();
    await dashboard.locator('qj-outcome-chart canvas').first().waitFor();
    assert.match(await dashboard.locator('figcaption').innerText(), /4 runs from .*3 success, 1 error/);
    await dashboard.locator('summary', { hasText: 'as a table' }).click();
    const today = dashboard.locator('table.days tbody tr').last();
    assert.match(await today.innerText(), /\b3\b/);
    assert.match(await dashboard.locator('.failing').innerText(), /bad: 1 of 1 runs failed/);
    assert.match(await dashboard.locator('.card', { hasText: 'Success rate' }).innerText(), /75\.0 %/);
    assert.deepEqual(await accessibilityViolations(page), [], 'the dashboard');
  });

  it('changes the period from the keyboard', async () => {
    const select = page.locator('qj-dashboard-page #period');
    await select.focus();
    await select.selectOption('30');
    await waitFor(async () => (await page.locator('qj-dashboard-page table.days tbody tr').count()) >= 30, 10_000, 'thirty days');
  });

  it('follows a failing job from the dashboard into the Runs page, its filters in the address', async () => {
    await page.locator('qj-dashboard-page .failing a', { hasText: 'bad' }).click();
    await page.waitForURL(/#\/runs\?job=bad&outcome=error$/);
    const runs = page.locator('qj-runs-page');
    await runs.locator('tr[data-run]').first().waitFor();
    assert.equal(await runs.locator('tr[data-run]').count(), 1);
    assert.equal(await runs.locator('#f-outcome').inputValue(), 'error');
    assert.equal(await runs.locator('#f-job').inputValue(), 'bad');
  });

  it('filters through the form, and opens a run with its log, trigger and who started it', async () => {
    const runs = page.locator('qj-runs-page');
    await runs.locator('#f-job').fill('good');
    await runs.locator('#f-outcome').selectOption('success');
    await runs.locator('#f-job').press('Enter');
    await page.waitForURL(/#\/runs\?job=good&outcome=success$/);
    await waitFor(async () => (await runs.locator('tr[data-run]').count()) === 3, 10_000, 'three runs of good');
    await runs.locator('tr[data-run] a').first().focus();
    await page.keyboard.press('Enter');
    const detail = runs.locator('section.detail');
    await detail.waitFor();
    assert.match(await detail.innerText(), /all fine/);
    assert.match(await detail.innerText(), /Started by\s+QUICKJOBS_API_TOKEN/);
    assert.match(await detail.innerText(), /version 1/);
    assert.deepEqual(await accessibilityViolations(page), [], 'the Runs page with a run open');
  });

  it('shows a running run live and cancels it with the button', async () => {
    await service.api('/jobs', { method: 'POST', body: { name: 'spinner', interval: 3600, timeout: 120, code: job('core.log("spinning now"); for (;;) {}') } });
    void service.api('/jobs/spinner/run', { method: 'POST' });
    const running = await waitFor(async () => (await service.api('/runs?job=spinner&outcome=running')).body[0] as { id: number } | undefined, 10_000, 'the spinner running');
    await page.goto(url(`#/runs?job=spinner&run=${running.id}`));
    const detail = page.locator('qj-runs-page section.detail');
    await detail.locator('.log', { hasText: 'spinning now' }).waitFor();
    const cancel = detail.locator('button', { hasText: 'Cancel run' });
    await cancel.focus();
    await page.keyboard.press('Enter');
    await detail.locator('[data-outcome="cancelled"]').waitFor({ timeout: 5000 });
    assert.match(await detail.innerText(), /Cancelled by\s+admin/);
    assert.equal((await service.api(`/runs/${running.id}`)).body.outcome, 'cancelled');
    // The list follows the service's events too.
    await page.locator('qj-runs-page tr[data-run] .outcome.cancelled').waitFor();
  });

  it('shows the next five slots as a cron expression is typed, in the job zone and the browser zone, and reads it in words', async () => {
    await page.goto(url('#/new'));
    await page.locator('#name').fill('weekdays');
    await page.locator('input[name="scheduleKind"][value="cron"]').check();
    await page.locator('#cron').fill('30 9 * * 1-5');
    await page.locator('#timezone').fill('Asia/Tokyo');
    const slots = page.locator('qj-next-slots');
    assert.equal(await slots.locator('[data-cron-words]').innerText(), 'Runs at 09:30, on Monday to Friday.');
    await waitFor(async () => (await slots.locator('tr[data-slot]').count()) === 5 && (await slots.locator('table').innerText()).includes('Asia/Tokyo'), 10_000, 'five slots in Tokyo').catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${await slots.locator('div').first().innerText()}`);
    });
    const first = await slots.locator('tr[data-slot]').first().getAttribute('data-slot');
    const wall = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(first!));
    assert.equal(wall, '09:30');
    assert.match(await slots.locator('table').innerText(), /Your zone/);
    await page.locator('input[name="scheduleKind"][value="interval"]').check();
    await page.locator('#interval').fill('90');
    await waitFor(async () => {
      const times = await slots.locator('tr[data-slot]').evaluateAll((rows) => rows.map((row) => Date.parse(row.getAttribute('data-slot')!)));
      return times.length === 5 && times[1]! - times[0]! === 90_000;
    }, 10_000, 'interval slots 90 s apart');
  });

  it("shows the period's effect in the next runs: only inside it, and the slots it skips", async () => {
    await page.locator('input[name="scheduleKind"][value="interval"]').check();
    await page.locator('#interval').fill('3600');
    await page.locator('#missed').selectOption('skip');
    await page.locator('#period').selectOption('workhours');
    const slots = page.locator('qj-next-slots');
    await slots.locator('h3', { hasText: 'Skipped by period workhours' }).waitFor({ timeout: 10_000 }).catch(async (error) => {
      // Only when the next five hourly slots all fall inside the period is nothing skipped before the fifth run.
      const runs = await slots.locator('tr[data-slot]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-slot')!));
      if (runs.length === 5 && Date.parse(runs[4]!) - Date.parse(runs[0]!) === 4 * 3_600_000) return;
      throw error;
    });
    const inside = (iso: string) => {
      const at = new Date(iso);
      return at.getUTCDay() >= 1 && at.getUTCDay() <= 5 && at.getUTCHours() >= 9 && at.getUTCHours() < 17;
    };
    const runs = await slots.locator('tr[data-slot]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-slot')!));
    assert.equal(runs.length, 5);
    for (const run of runs) assert.ok(inside(run), `${run} is outside the period`);
    const skipped = await slots.locator('li[data-skipped]').evaluateAll((items) => items.map((item) => item.getAttribute('data-skipped')!));
    for (const slot of skipped) assert.ok(!inside(slot), `${slot} is listed as skipped but is inside`);
    assert.deepEqual(await accessibilityViolations(page), [], 'the job form');
  });

  it('compares a saved version with the code in Monaco\'s diff editor and restores it after a confirmation', async () => {
    await service.api('/jobs/good/code', { method: 'PUT', body: { code: job('core.log("second version"); return job.OK;') } });
    await page.goto(url('#/jobs/good/code'));
    const panel = page.locator('qj-versions-panel');
    await panel.locator('li[data-version="1"]').waitFor();
    await panel.locator('li[data-version="2"]', { hasText: '(current)' }).waitFor();
    assert.match(await panel.locator('li[data-version="2"]').innerText(), /QUICKJOBS_API_TOKEN/);
    await panel.locator('li[data-version="1"] button.compare').focus();
    await page.keyboard.press('Enter');
    await page.locator('qj-code-editor .monaco-diff-editor').waitFor();
    assert.match((await page.evaluate('window.__quickjobsEditor.diffOriginal()')) as string, /all fine/);
    await panel.locator('li[data-version="1"] button.compare').click();
    await page.locator('qj-code-editor .monaco-diff-editor').waitFor({ state: 'detached' });

    await panel.locator('li[data-version="1"] button.restore').click();
    const dialog = panel.locator('qj-confirm-dialog dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Restore version 1/);
    await dialog.locator('button.confirm').click();
    await panel.locator('li[data-version="3"]').waitFor();
    const code = (await service.api('/jobs/good/code')).body;
    assert.equal(code.version, 3);
    assert.match(code.code, /all fine/);
    assert.match(await panel.locator('li[data-version="3"]').innerText(), /\badmin\b/);
    assert.deepEqual(await accessibilityViolations(page), [], 'the editor with its Versions panel');
  });

  it('fits a 390 px wide screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/', '#/runs?job=good', '#/new', '#/jobs/good/code']) {
      await page.goto(url(hash));
      await page.locator(hash.endsWith('code') ? 'qj-versions-panel li' : 'h1').first().waitFor();
      assert.ok((await scrollWidth(page)) <= 390, `${hash} scrolls sideways`);
      assert.deepEqual(await accessibilityViolations(page), [], `${hash} at 390 px`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('loads the chart and every view under the CSP, without script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
