/** Domain errors of job edits; the HTTP layer maps them to status codes in one place. */

/** 422 `invalid`: a job field that does not hold. */
export class InvalidFieldError extends Error {
  override name = 'InvalidFieldError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** 422 `syntax_error`: code that does not parse, with where. */
export class ScriptSyntaxError extends Error {
  override name = 'ScriptSyntaxError';
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(message);
  }
}

/** 422 `policy`: code that matches a rule of QUICKJOBS_CODE_RULES, with the rule and where. */
export class CodePolicyError extends Error {
  override name = 'CodePolicyError';
  constructor(
    readonly rule: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`the code breaks rule "${rule}" of QUICKJOBS_CODE_RULES at line ${line}`);
  }
}
