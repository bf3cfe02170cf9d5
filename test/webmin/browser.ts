/**
 * Headless Debian Chromium driven by playwright-core, for the webmin's browser tests and benchmark,
 * plus the few page helpers they share. Page code runs in the browser, so it is passed as strings:
 * the test project has no DOM typings.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../helpers/require-service.js';
import { waitFor } from '../helpers/service.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Collects what would show in the browser's console as an error: script errors and CSP refusals. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

/** Logs in through the login page with the keyboard: user name (`admin` is filled in), Tab, password, Enter. */
export async function logIn(page: Page, password: string, name = 'admin'): Promise<void> {
  await page.locator('#user-name').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  // Wherever the login was asked for, the app shows a page again (the dashboard from the root).
  await page.locator('qj-app main > *:not(qj-login-page)').first().waitFor();
}

export interface EditorMarker {
  owner: string;
  message: string;
  line: number;
  severity: string;
}

/**
 * The code editor's test hook (`window.__quickjobsEditor`). Polled from here rather than with
 * `page.waitForFunction(string)`, which evaluates the string in the page and so trips the CSP.
 */
export function editorHook(page: Page) {
  return {
    ready: () => waitFor(() => page.evaluate('window.__quickjobsEditor !== undefined') as Promise<boolean>, 15_000, 'the editor'),
    getValue: () => page.evaluate('window.__quickjobsEditor.getValue()') as Promise<string>,
    setValue: (code: string) => page.evaluate(`window.__quickjobsEditor.setValue(${JSON.stringify(code)})`),
    markers: () => page.evaluate('window.__quickjobsEditor.markers()') as Promise<EditorMarker[]>,
    focus: () => page.evaluate('window.__quickjobsEditor.focus()'),
    /** Waits until the markers satisfy `test` (the TypeScript worker answers asynchronously). */
    waitForMarkers(test: (markers: EditorMarker[]) => boolean, what: string): Promise<EditorMarker[]> {
      return waitFor(
        async () => {
          const markers = (await page.evaluate('window.__quickjobsEditor.markers()')) as EditorMarker[];
          return test(markers) && markers;
        },
        15_000,
        what,
      );
    },
  };
}

/** The widest the page scrolls sideways; equal to the viewport when nothing overflows. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
}
