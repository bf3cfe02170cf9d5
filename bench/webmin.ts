/**
 * The webmin's weight and speed in headless Chromium on loopback, against the real service:
 * bytes transferred (compressed, headers included) for the jobs page and for the editor view, the
 * time until the jobs table shows the jobs, and until Monaco shows a job's code. Each figure is
 * the median of a few cold loads (a fresh browser context, so nothing comes from its cache).
 *
 * Run alone with `node --import tsx bench/webmin.ts` (after `npm run build:webmin`).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startService, waitFor, type ServiceHandle } from '../test/helpers/service.js';
import { launchChromium } from '../test/webmin/browser.js';

const ROUNDS = 5;
const JOBS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A logged-in context: the session cookie comes from the API, so the login page costs nothing. */
async function loggedInContext(browser: Browser, service: ServiceHandle): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // The service refuses a cookie login without the page's own origin, as a browser sends it.
  const response = await context.request.post(`${service.baseUrl}/api/v1/login`, {
    data: { password: service.password },
    headers: { origin: service.baseUrl },
  });
  if (!response.ok()) throw new Error(`login failed: ${response.status()}`);
  return context;
}

/** Sums what every finished request moved over the wire, workers' scripts included. */
function countBytes(page: Page): () => Promise<number> {
  const sizes: Array<Promise<number>> = [];
  page.on('requestfinished', (request) => {
    sizes.push(
      request
        .sizes()
        .then((s) => s.responseBodySize + s.responseHeadersSize + s.requestHeadersSize + s.requestBodySize)
        .catch(() => 0),
    );
  });
  return async () => (await Promise.all(sizes)).reduce((sum, n) => sum + n, 0);
}

/** Milliseconds since navigation when `expression` first holds, polled from here (CSP forbids eval in the page). */
async function msUntil(page: Page, expression: string, what: string): Promise<number> {
  return waitFor(() => page.evaluate(`(${expression}) ? performance.now() : 0`) as Promise<number>, 30_000, what);
}

const JOBS_SHOWN = `(() => {
  const page = document.querySelector('qj-app')?.shadowRoot?.querySelector('qj-jobs-page');
  const table = page?.shadowRoot?.querySelector('qj-jobs-table');
  return (table?.shadowRoot?.querySelectorAll('tr[data-job]').length ?? 0) >= ${JOBS};
})()`;

const CODE_SHOWN = `(() => {
  const editor = window.__quickjobsEditor;
  const lines = document.querySelector('qj-code-editor .view-lines');
  return !!editor && editor.getValue().includes('job.OK') && !!lines && lines.textContent.includes('core.job');
})()`;

async function measure(browser: Browser, service: ServiceHandle, hash: string, ready: string, what: string) {
  const context = await loggedInContext(browser, service);
  try {
    const page = await context.newPage();
    const bytes = countBytes(page);
    await page.goto(`${service.baseUrl}/${hash}`);
    const ms = await msUntil(page, ready, what);
    // Let the requests the view makes once shown (workers, runs, the event stream) finish counting.
    await page.waitForLoadState('networkidle').catch(() => undefined);
    return { ms, bytes: await bytes() };
  } finally {
    await context.close();
  }
}

const DASHBOARD_SHOWN = `(() => {
  const page = document.querySelector('qj-app')?.shadowRoot?.querySelector('qj-dashboard-page');
  const chart = page?.shadowRoot?.querySelector('qj-outcome-chart');
  return !!chart?.shadowRoot?.querySelector('canvas') && !!page?.shadowRoot?.querySelector('#period');
})()`;

/** The dashboard (the landing page): bytes over the wire and time until its chart and controls are there. */
export async function benchDashboard(): Promise<Record<string, number>> {
  const service = await startService();
  const browser = await launchChromium();
  try {
    for (let i = 0; i < 20; i++) await service.api('/jobs', { method: 'POST', body: { name: `bench-${i}`, interval: 3600 + i } });
    await measure(browser, service, '#/', DASHBOARD_SHOWN, 'the dashboard');
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await measure(browser, service, '#/', DASHBOARD_SHOWN, 'the dashboard'));
    return {
      dashboard_kb_transferred: median(rounds.map((r) => r.bytes)) / 1024,
      dashboard_interactive_ms: median(rounds.map((r) => r.ms)),
    };
  } finally {
    await browser.close();
    await service.stop();
    await service.cleanup();
  }
}

export async function benchWebmin(): Promise<Record<string, number>> {
  const service = await startService();
  const browser = await launchChromium();
  try {
    for (let i = 0; i < JOBS; i++) {
      await service.api('/jobs', { method: 'POST', body: { name: `bench-${i}`, interval: 3600 + i, description: `Benchmark job ${i}` } });
    }
    // One warm-up load of each view, so the service's first-request costs are not counted.
    await measure(browser, service, '#/jobs', JOBS_SHOWN, 'the jobs table');
    await measure(browser, service, '#/jobs/bench-0/code', CODE_SHOWN, 'the editor');
    const jobs = [];
    const editor = [];
    for (let round = 0; round < ROUNDS; round++) {
      jobs.push(await measure(browser, service, '#/jobs', JOBS_SHOWN, 'the jobs table'));
      editor.push(await measure(browser, service, '#/jobs/bench-0/code', CODE_SHOWN, 'the editor'));
    }
    return {
      jobs_page_kb_transferred: median(jobs.map((r) => r.bytes)) / 1024,
      jobs_page_interactive_ms: median(jobs.map((r) => r.ms)),
      editor_kb_transferred: median(editor.map((r) => r.bytes)) / 1024,
      editor_ready_ms: median(editor.map((r) => r.ms)),
    };
  } finally {
    await browser.close();
    await service.stop();
    await service.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchWebmin();
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(28)} ${value.toFixed(1)}`);
}
