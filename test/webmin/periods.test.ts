/**
 * The webmin's Periods page and the job form's Period choice in a real browser against the real
 * service: create a period with the keyboard, see its week, give a job the period, and read the
 * hover of a job waiting for it. Each view passes axe-core's WCAG 2.1 AA rules.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gate, probeChromium } from '../helpers/require-service.js';
import { startService, waitFor, type ServiceHandle } from '../helpers/service.js';
import { accessibilityViolations } from './axe.js';
import { collectPageErrors, launchChromium, logIn, scrollWidth } from './browser.js';

const skip = await gate('browser', probeChromium);

describe('the Periods page in a browser', { skip }, () => {
  let service: ServiceHandle;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const url = (hash = '') => `${service.baseUrl}/${hash}`;

  before(async () => {
    service = await startService({ env: { QUICKJOBS_TZ: 'UTC' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Berlin' });
    pageErrors = collectPageErrors(page);
    await page.goto(url());
    await logIn(page, service.password);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await service?.cleanup();
  });

  it('creates a period from the form, typed with the keyboard, and draws its week in its zone', async () => {
    await page.locator('a', { hasText: 'Periods' }).first().click();
    await page.waitForURL(/#\/periods$/);
    await page.locator('#name').focus();
    await page.keyboard.type('workhours');
    await page.keyboard.press('Tab'); // time zone, filled with the browser's
    const zone = await page.locator('#timezone').inputValue();
    assert.equal(zone, 'Europe/Berlin');
    // The default range is Monday to Friday 08:00–18:00: every weekday row of the week says so.
    // The week is drawn from now, so today's row (the first) opens at the current time if the
    // range has begun, or is over if it has ended.
    await waitFor(async () => (await page.locator('qj-week-view [data-segments]').allInnerTexts()).some((t) => t === '08:00–18:00'), 10_000, 'the week view');
    const rows = await page.locator('qj-week-view li').count();
    assert.equal(rows, 7);
    const texts = await page.locator('qj-week-view [data-segments]').allInnerTexts();
    const [today, ...later] = texts;
    assert.match(today!, /^(\d\d:\d\d–18:00|closed)$/);
    const weekdays = texts.filter((t) => t.endsWith('–18:00')).length;
    assert.equal(later.filter((t) => t === '08:00–18:00').length, weekdays - (today === 'closed' ? 0 : 1));
    assert.equal(texts.filter((t) => t === 'closed').length, 7 - weekdays);
    assert.ok(weekdays === 5 || (weekdays === 4 && today === 'closed'), texts.join(' | '));
    // Add a Saturday range with the keyboard: the button, then the new row's fields.
    await page.locator('button', { hasText: 'Add range' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#days-1').fill('sat');
    await page.locator('#from-1').fill('22:00');
    await page.locator('#to-1').fill('02:00');
    await waitFor(async () => (await page.locator('qj-week-view [data-segments]').allInnerTexts()).some((t) => t.includes('22:00–24:00')), 10_000, 'the Saturday night');
    await page.locator('#to-1').press('Enter');
    await page.waitForURL(/#\/periods\/workhours$/);
    const saved = (await service.api('/periods/workhours')).body;
    assert.equal(saved.timezone, 'Europe/Berlin');
    assert.deepEqual(saved.ranges[1], { days: ['sat'], from: '22:00', to: '02:00' });
    assert.deepEqual(await accessibilityViolations(page), [], 'the period form with its week view');
  });

  it('shows the service’s refusal naming the field', async () => {
    await page.locator('#to-0').fill('25:00');
    await page.locator('button[type="submit"]', { hasText: 'Update' }).click();
    await page.locator('[role="alert"]', { hasText: 'ranges[0].to' }).waitFor();
    assert.equal((await service.api('/periods/workhours')).body.ranges[0].to, '18:00');
    assert.deepEqual(await accessibilityViolations(page), [], 'the period form with its error');
  });

  it('gives a job the period from the job form', async () => {
    await service.api('/jobs', { method: 'POST', body: { name: 'report', interval: 60 } });
    await page.goto(url('#/jobs/report'));
    await page.locator('#period option', { hasText: 'Only in workhours' }).waitFor({ state: 'attached' });
    await page.locator('#period').selectOption('workhours');
    await page.locator('button[type="submit"]', { hasText: 'Update' }).click();
    await waitFor(async () => (await service.api('/jobs/report')).body.period === 'workhours', 5000, 'the job to take the period');
    assert.deepEqual(await accessibilityViolations(page), [], 'the job form with a period');
    await page.goto(url('#/periods'));
    await page.locator('qj-week-view li').first().waitFor();
    assert.deepEqual(await accessibilityViolations(page), [], 'the Periods list');
  });

  it('says in the status hover that a job waits for its period, and when that opens', async () => {
    const opens = '2031-06-02T08:00:00.000Z';
    await service.api('/periods', { method: 'POST', body: { name: 'later', timezone: 'UTC', ranges: [{ days: ['2031-06-02'], from: '08:00', to: '09:00' }] } });
    await service.api('/jobs', { method: 'POST', body: { name: 'waiter', interval: 60, period: 'later' } });
    assert.equal((await service.api('/jobs/waiter')).body.periodWait.opensAt, opens);
    await page.goto(url('#/jobs'));
    const icon = page.locator('tr[data-job="waiter"] qj-status-icon [role="img"]');
    await waitFor(async () => ((await icon.getAttribute('aria-label')) ?? '').includes('Waiting'), 10_000, 'the hover text');
    assert.match((await icon.getAttribute('title'))!, /Waiting for period later, opens Mon 08:00/);
  });

  it('fits a 390 px wide screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/periods', '#/periods/workhours', '#/jobs/report']) {
      await page.goto(url(hash));
      await page.locator(hash.startsWith('#/periods') ? 'qj-week-view li' : 'qj-job-form form').first().waitFor();
      assert.ok((await scrollWidth(page)) <= 390, `${hash} scrolls sideways`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('loads without script errors under the CSP', () => {
    assert.deepEqual(pageErrors, []);
  });
});
