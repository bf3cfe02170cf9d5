/**
 * WCAG 2.1 A and AA checks with axe-core inside the page. The source is evaluated through the
 * DevTools protocol, which the page's CSP does not govern, so the check runs against the webmin
 * exactly as it is served. axe walks open shadow roots, so every Lit component is checked.
 * Monaco's own markup is not ours to fix; everything around it is checked.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The WCAG 2.1 AA violations on the page now, one line each: rule, impact and the elements it names. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run({ exclude: [['.monaco-editor']] }, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} } }).then((result) =>
      result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) })))`,
  )) as Array<{ id: string; impact: string; help: string; targets: string[] }>;
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 5).join(', ')}`);
}
