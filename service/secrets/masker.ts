/**
 * Replaces secret values with `***` in what a run hands back. Built from a set of values, so any
 * caller (the secret store, later job params) masks with the values it knows.
 *
 * Masked, for each value: the value itself; its JSON-escaped form; base64 (standard and URL-safe,
 * with or without padding); URL encoding (percent and form `+`); hex (either case); the value
 * reversed; and the value's characters split apart by up to four non-alphanumeric characters each
 * (`s e c r e t`, `["s","e",…]`, `s-e-c`). Not masked, because no filter can know them: a value
 * encoded inside a larger encoded text (base64 of `user:value`), hashed, encrypted, cut into parts
 * logged apart, or re-encoded twice.
 */

/** Secrets shorter than this cannot be masked without masking ordinary words; they are refused. */
export const MIN_MASKED_LENGTH = 4;
/** Split-apart forms are masked for values at least this long (shorter ones match prose too often). */
const MIN_SPLIT_LENGTH = 6;
export const MASK = '***';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every form of `value` masked as a plain substring. */
export function maskedForms(value: string): string[] {
  const forms = new Set<string>([value]);
  forms.add(JSON.stringify(value).slice(1, -1));
  const bytes = Buffer.from(value, 'utf8');
  const b64 = bytes.toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  forms.add(encodeURIComponent(value));
  forms.add(encodeURIComponent(value).replace(/%20/g, '+'));
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  forms.add([...value].reverse().join(''));
  return [...forms].filter((form) => form.length >= MIN_MASKED_LENGTH);
}

export class Masker {
  private readonly pattern: RegExp | null;

  constructor(values: Iterable<string>) {
    const forms = new Set<string>();
    const splits: string[] = [];
    for (const value of values) {
      if (value.length < MIN_MASKED_LENGTH) continue;
      for (const form of maskedForms(value)) forms.add(form);
      if (value.length >= MIN_SPLIT_LENGTH) splits.push([...value].map(escapeRegex).join('[^A-Za-z0-9]{0,4}'));
    }
    // Longest first, so a value's longer encodings are masked whole, not left half-visible.
    const alternatives = [...[...forms].sort((a, b) => b.length - a.length).map(escapeRegex), ...splits];
    this.pattern = alternatives.length === 0 ? null : new RegExp(alternatives.join('|'), 'gu');
  }

  /** True when there is nothing to mask. */
  get empty(): boolean {
    return this.pattern === null;
  }

  text(text: string): string {
    if (this.pattern === null || text.length < MIN_MASKED_LENGTH) return text;
    return text.replace(this.pattern, MASK);
  }

  /** Masks every string (and object key) inside a JSON value; other values pass unchanged. */
  value<T>(value: T): T {
    if (this.pattern === null) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[this.text(key)] = this.walk(item);
      return out;
    }
    return value;
  }
}

export const NO_MASK = new Masker([]);
