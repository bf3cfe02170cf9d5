/**
 * The fingerprint of a bootstrap file as a job: a digest of its settings and one of its code,
 * joined. The sync compares it with the job's `sourceHash` to see whether the file changed, and its
 * two halves tell whether the code changed (a new code version) or only the settings.
 */
import { createHash } from 'node:crypto';
import type { JobFieldsInput } from '../jobs/job-input.js';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Settings are hashed after validation with sorted keys, so reformatting the JSON changes nothing.
 * The default language is left out, so a JavaScript file hashes as it did before jobs had a
 * language and an upgrade rewrites no folder job.
 */
function canonicalSettings(fields: JobFieldsInput): string {
  const record = fields as unknown as Record<string, unknown>;
  // No params hash as before params existed, and no default language as before jobs had one, so a
  // folder read by a newer release reads as unchanged.
  const keys = Object.keys(record).filter(
    (key) => (key !== 'params' || Object.keys(fields.params).length > 0) && !(key === 'language' && record[key] === 'javascript'),
  );
  return JSON.stringify(Object.fromEntries(keys.sort().map((key) => [key, record[key]])));
}

export function sourceHash(fields: JobFieldsInput, code: string): string {
  return `${digest(canonicalSettings(fields))}.${digest(code)}`;
}

/** True when two hashes made by `sourceHash` have the same code half. */
export function sameCode(a: string | null, b: string): boolean {
  if (a === null) return false;
  const [, codeA] = a.split('.');
  const [, codeB] = b.split('.');
  return codeA !== undefined && codeA === codeB;
}
