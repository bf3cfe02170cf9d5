/**
 * Guard rails on job code (SPEC §10): QUICKJOBS_CODE_RULES names a JSON file of
 * `{"rule-name": "regular expression", …}`. Code that matches a rule is neither saved nor run.
 * Each expression is compiled once, with the `m` flag (so `^` and `$` match at line ends); a rule
 * may also be written `/expression/flags`.
 */

export interface CodeRule {
  name: string;
  pattern: RegExp;
}

export interface RuleMatch {
  rule: string;
  /** 1-based line and column of the first match. */
  line: number;
  column: number;
}

/** Throws an Error saying which rule is wrong and why. */
export function parseCodeRules(json: string): CodeRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`is not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('must be a JSON object of {"rule-name": "regular expression"}');
  return Object.entries(parsed as Record<string, unknown>).map(([name, source]) => {
    if (typeof source !== 'string' || source === '') throw new Error(`rule "${name}" must be a non-empty string`);
    const literal = /^\/(.+)\/([a-z]*)$/s.exec(source);
    try {
      const pattern = literal ? new RegExp(literal[1]!, uniqueFlags(literal[2]! + 'm')) : new RegExp(source, 'm');
      return { name, pattern: new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) };
    } catch (error) {
      throw new Error(`rule "${name}" is not a valid regular expression (${(error as Error).message})`);
    }
  });
}

function uniqueFlags(flags: string): string {
  return [...new Set(flags)].join('');
}

/** The first rule the code matches, with where; null when it passes them all. */
export function findRuleMatch(rules: readonly CodeRule[], code: string): RuleMatch | null {
  for (const rule of rules) {
    const match = rule.pattern.exec(code);
    if (!match) continue;
    const before = code.slice(0, match.index);
    const line = before.split('\n').length;
    const column = match.index - before.lastIndexOf('\n');
    return { rule: rule.name, line, column };
  }
  return null;
}
