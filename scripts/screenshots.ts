/**
 * `npm run screenshots`: rewrites the pictures in docs/screenshots from the real service and the
 * real webmin in headless Chromium (after `npm run build`), at a desktop and a phone width.
 */
import { mkdir } from 'node:fs/promises';
import { startService, waitFor } from '../test/helpers/service.js';
import { editorHook, launchChromium, logIn } from '../test/webmin/browser.js';

const SHOTS_DIR = new URL('../docs/screenshots/', import.meta.url);

const TICKER = `const job = core.job();

job.run = async function () {
  core.log('tick from the saved code');
  return job.OK;
};

return job;
`;

const service = await startService();
const browser = await launchChromium();
try {
  await mkdir(SHOTS_DIR, { recursive: true });
  await service.api('/jobs', { method: 'POST', body: { name: 'ticker', interval: 2, code: TICKER } });
  await service.api('/jobs', { method: 'POST', body: { name: 'nightly-report', cron: '0 3 * * 1-5', timezone: 'Europe/Berlin', description: 'Mails the day’s orders' } });
  await service.api('/jobs', { method: 'POST', body: { name: 'cleanup', interval: 3600, active: false, description: 'Deletes stale sessions' } });
  await service.api('/periods', {
    method: 'POST',
    body: { name: 'workhours', description: 'Office hours', timezone: 'Europe/Berlin', ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }] },
  });
  await service.api('/jobs', { method: 'POST', body: { name: 'hourly-sync', interval: 3600, period: 'workhours', missed: 'skip', description: 'Syncs the stock in office hours' } });
  await service.api('/secrets/SMTP_PASSWORD', { method: 'PUT', body: { value: 'not shown again' } });
  await service.api('/secrets/SHOP_API_KEY', { method: 'PUT', body: { value: 'not shown either' } });
  await waitFor(async () => (await service.api('/runs?job=ticker&limit=3')).body.length >= 3, 15_000, 'three runs of ticker');

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${service.baseUrl}/`);
  await logIn(page, service.password);
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
    await page.goto(`${service.baseUrl}/#/`);
    await page.locator('qj-outcome-chart canvas').waitFor();
    await page.screenshot({ path: new URL(`dashboard-${width}.png`, SHOTS_DIR).pathname, fullPage: width < 600 });
    const [run] = (await service.api('/runs?job=ticker&limit=1')).body as Array<{ id: number }>;
    await page.goto(`${service.baseUrl}/#/runs?job=ticker&run=${run!.id}`);
    await page.locator('qj-runs-page section.detail').waitFor();
    await page.screenshot({ path: new URL(`runs-${width}.png`, SHOTS_DIR).pathname, fullPage: width < 600 });
    await page.goto(`${service.baseUrl}/#/jobs`);
    await page.locator('tr[data-job="ticker"] td[data-label="Last run"] time').waitFor();
    await page.screenshot({ path: new URL(`jobs-${width}.png`, SHOTS_DIR).pathname, fullPage: width < 600 });
    await page.goto(`${service.baseUrl}/#/jobs/ticker/code`);
    await editorHook(page).ready();
    await page.locator('section.recent details').first().waitFor();
    await page.evaluate('document.fonts.ready');
    await page.screenshot({ path: new URL(`editor-${width}.png`, SHOTS_DIR).pathname });
    await page.goto(`${service.baseUrl}/#/periods/workhours`);
    await page.locator('qj-week-view li').first().waitFor();
    await page.screenshot({ path: new URL(`periods-${width}.png`, SHOTS_DIR).pathname, fullPage: width < 600 });
    await page.goto(`${service.baseUrl}/#/jobs/hourly-sync`);
    await page.locator('qj-next-slots tr[data-slot]').first().waitFor();
    await page.screenshot({ path: new URL(`job-form-${width}.png`, SHOTS_DIR).pathname, fullPage: true });
    await page.goto(`${service.baseUrl}/#/secrets`);
    await page.locator('qj-secrets-page table').waitFor();
    await page.screenshot({ path: new URL(`secrets-${width}.png`, SHOTS_DIR).pathname, fullPage: width < 600 });
    console.log(`screenshots: wrote dashboard, runs, jobs, editor, periods, job form and secrets at ${width} px`);
  }
} finally {
  await browser.close();
  await service.stop();
  await service.cleanup();
}
