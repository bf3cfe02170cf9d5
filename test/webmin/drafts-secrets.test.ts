/**
 * Safe drafts and secrets in a real browser against the real service: a safe draft shows what it
 * held and sends nothing; Run live asks first (and Escape runs nothing); the Secrets page never
 * shows a value once saved. Each view is checked against WCAG 2.1 AA with axe-core and driven by
 * the keyboard alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gate, probeChromium } from '../helpers/require-service.js';
import { startService, type ServiceHandle } from '../helpers/service.js';
import { startRecordingServer, type RecordingServer } from '../service/drafts/loopback-http.js';
import { accessibilityViolations } from './axe.js';
import { collectPageErrors, editorHook, launchChromium, logIn } from './browser.js';

const skip = await gate('browser', probeChromium);
const SECRET_VALUE = 'hunter2-SuperSecret-77';

/** Every text and form value in the page, shadow roots included. */
const ALL_TEXT = `(() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if ('value' in el && typeof el.value === 'string') out.push(el.value);
    }
    out.push(root.textContent || '');
  };
  walk(document);
  return out.join('\\n');
})()`;

describe('safe drafts and secrets in the webmin', { skip }, () => {
  let service: ServiceHandle;
  let hook: RecordingServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    hook = await startRecordingServer();
    const rules = join(mkdtempSync(join(tmpdir(), 'quickjobs-rules-')), 'rules.json');
    writeFileSync(rules, JSON.stringify({ 'no-eval': '\\beval\\s*\\(' }));
    service = await startService({ env: { QUICKJOBS_NETWORK_ALLOW: '127.0.0.1', QUICKJOBS_CODE_RULES: rules } });
    assert.equal((await service.api('/jobs', { method: 'POST', body: { name: 'poster', interval: 3600 } })).status, 201);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    pageErrors = collectPageErrors(page);
    await page.goto(`${service.baseUrl}/`);
    await logIn(page, service.password);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
    await service?.cleanup();
    await hook?.close();
  });

  const DRAFT = () => `const job = core.job();
job.run = async function () {
  const [res] = await core.network.postJson('${hook.origin}/orders', { id: 7 });
  core.log('posted', res.status);
  return job.OK;
};
return job;
`;

  it('shows what a safe draft held beside its log, and sends nothing', async () => {
    await page.goto(`${service.baseUrl}/#/jobs/poster/code`);
    const editor = editorHook(page);
    await editor.ready();
    await editor.setValue(DRAFT());
    await page.locator('button.run-safe').focus();
    await page.keyboard.press('Enter');
    const held = page.locator('qj-held-list [data-held="requests"] li');
    await held.waitFor({ timeout: 20_000 });
    assert.match(await held.innerText(), new RegExp(`POST ${hook.origin}/orders`));
    await page.locator('section.draft', { hasText: 'posted 202' }).waitFor();
    assert.equal(hook.seen.length, 0, 'the draft sent no request');
    const focused = await page.evaluate('document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.className ?? null');
    assert.match(String(focused), /run-safe/, 'the keyboard keeps its place on Run draft through the run');
    assert.deepEqual(await accessibilityViolations(page), []);
  });

  it('asks before running live; Escape runs nothing, confirming runs for real', async () => {
    await page.locator('button.run-live').focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('qj-editor-page qj-confirm-dialog dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /run for real/);
    assert.deepEqual(await accessibilityViolations(page), []);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(hook.seen.length, 0, 'Escape ran nothing');

    await page.locator('button.run-live').focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // Focus starts on Cancel; Tab reaches the confirm button.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('section.draft .live-note').waitFor({ timeout: 20_000 });
    assert.deepEqual(hook.seen.map((r) => `${r.method} ${r.url}`), ['POST /orders']);
  });

  it('marks a line that breaks a code rule like a syntax error, and saves nothing', async () => {
    const editor = editorHook(page);
    await editor.setValue('const job = core.job();\njob.run = async function () {\n  return eval("job.OK");\n};\nreturn job;\n');
    await editor.focus();
    await page.keyboard.press('Control+s');
    await page.locator('qj-editor-page .alert', { hasText: 'line 3 breaks a code rule' }).waitFor();
    const markers = await editor.waitForMarkers((m) => m.some((x) => x.owner === 'quickjobs'), 'the rule mark');
    assert.equal(markers.find((m) => m.owner === 'quickjobs')?.line, 3);
    assert.equal((await service.api('/jobs/poster/code')).body.version, 1, 'nothing was saved');
  });

  it('sets a secret with the keyboard and never shows its value again', async () => {
    // The draft was never saved: leaving the editor asks first.
    page.once('dialog', (question) => void question.accept());
    await page.locator('qj-app nav.pages a', { hasText: /^Secrets$/ }).focus();
    await page.keyboard.press('Enter');
    await page.locator('qj-secrets-page #secret-name').waitFor();
    assert.deepEqual(await accessibilityViolations(page), [], 'the empty page');
    await page.locator('qj-secrets-page #secret-name').focus();
    await page.keyboard.type('PAYMENT_KEY');
    await page.keyboard.press('Tab');
    await page.keyboard.type(SECRET_VALUE);
    await page.keyboard.press('Enter');
    await page.locator('qj-secrets-page tr[data-secret="PAYMENT_KEY"]').waitFor();
    assert.ok(!((await page.evaluate(ALL_TEXT)) as string).includes(SECRET_VALUE), 'the value left the page once saved');
    assert.match(await page.locator('qj-secrets-page tr[data-secret="PAYMENT_KEY"]').innerText(), /\badmin\b/, 'the list says who set it');
    assert.deepEqual(await accessibilityViolations(page), [], 'the page with a secret');

    await page.reload();
    await page.locator('qj-secrets-page tr[data-secret="PAYMENT_KEY"]').waitFor();
    assert.ok(!((await page.evaluate(ALL_TEXT)) as string).includes(SECRET_VALUE), 'a fresh page shows no value');
    assert.equal((await service.api('/secrets')).body[0].name, 'PAYMENT_KEY');
  });

  it('says what is wrong with a value too short to mask, at the field', async () => {
    await page.locator('qj-secrets-page #secret-name').focus();
    await page.keyboard.type('SHORT');
    await page.keyboard.press('Tab');
    await page.keyboard.type('abc');
    await page.keyboard.press('Enter');
    await page.locator('qj-secrets-page #secret-value-error', { hasText: 'at least 4 characters' }).waitFor();
    assert.equal(await page.locator('qj-secrets-page #secret-value').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await accessibilityViolations(page), [], 'the page with a field error');
    assert.deepEqual((await service.api('/secrets')).body.map((s: { name: string }) => s.name), ['PAYMENT_KEY']);
  });

  it('replaces a secret from an empty value field, and deletes one only after confirming, by keyboard', async () => {
    await page.locator('qj-secrets-page button.replace').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('qj-secrets-page #secret-value').inputValue(), '');
    assert.equal(await page.locator('qj-secrets-page #secret-name').inputValue(), 'PAYMENT_KEY');
    // Replace puts the focus in the value field.
    await page.keyboard.type('a-new-value-1234');
    await page.keyboard.press('Enter');
    await page.locator('qj-secrets-page .notice', { hasText: 'Replaced secret PAYMENT_KEY' }).waitFor();
    const run = await service.api('/jobs/poster/run', {
      method: 'POST',
      body: { code: "const job = core.job();\njob.run = async function () {\n  const [v] = await core.secret('PAYMENT_KEY');\n  core.log(v === 'a-new-value-1234' ? 'replaced' : 'old');\n  return job.OK;\n};\nreturn job;\n" },
    });
    assert.deepEqual(run.body.logs.map((l: { message: string }) => l.message), ['replaced'], 'jobs read the new value');

    await page.locator('qj-secrets-page button.delete').focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('qj-secrets-page qj-confirm-dialog dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /PAYMENT_KEY/);
    assert.deepEqual(await accessibilityViolations(page), [], 'the delete question');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await service.api('/secrets')).body.length, 1, 'Escape deleted nothing');

    await page.locator('qj-secrets-page button.delete').focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // Focus starts on Cancel; Tab reaches the confirm button.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('qj-secrets-page tr[data-secret="PAYMENT_KEY"]').waitFor({ state: 'detached' });
    assert.deepEqual((await service.api('/secrets')).body, []);
    const focused = await page.evaluate('document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.id ?? null');
    assert.equal(focused, 'secret-name', 'the focus goes on from the form, not lost with the row');
    assert.deepEqual(pageErrors, []);
  });

  it('passes WCAG 2.1 AA on the jobs page, whose menu now lists Secrets', async () => {
    await page.locator('qj-app nav.pages a', { hasText: /^Jobs$/ }).focus();
    await page.keyboard.press('Enter');
    await page.locator('qj-jobs-page').waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
  });
});
