/**
 * The settings line a bootstrap file starts with:
 *
 *   // quickjobs: {"interval": 3600, "runOnce": true}
 *
 * It is a comment, so the file stays a valid script that `quickjobs check` and editors accept.
 */
import { DEFAULT_SETTINGS } from '../jobs/job-input.js';
import type { JobSettings } from '../jobs/types.js';

const SETTINGS_LINE = /^\s*\/\/\s*quickjobs:(.*)$/;

export type SplitFile =
  | { kind: 'none'; code: string }
  | { kind: 'settings'; json: string; code: string };

/** Separates the settings line (if the first line is one) from the code after it. */
export function splitSettingsLine(text: string): SplitFile {
  const newline = text.indexOf('\n');
  const first = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
  const match = SETTINGS_LINE.exec(first);
  if (!match) return { kind: 'none', code: text };
  return { kind: 'settings', json: match[1]!.trim(), code: newline === -1 ? '' : text.slice(newline + 1) };
}

/**
 * Writes a settings line for these settings. Only the schedule and the fields that differ from the
 * defaults are written, so exported files stay short and read back to the same job.
 */
export function formatSettingsLine(settings: JobSettings): string {
  const out: Record<string, unknown> = {};
  if (settings.cron !== null) out.cron = settings.cron;
  else out.interval = settings.interval;
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof JobSettings>) {
    // The file's extension says the language.
    if (key === 'interval' || key === 'cron' || key === 'language') continue;
    if (JSON.stringify(settings[key]) !== JSON.stringify(DEFAULT_SETTINGS[key])) out[key] = settings[key];
  }
  // JSON leaves U+2028/U+2029 raw, but JavaScript ends a // comment at them: the rest of the line
  // would become code.
  const json = JSON.stringify(out).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `// quickjobs: ${json}`;
}
