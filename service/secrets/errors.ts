/** Failures of the secret store: each names what is wrong and what to do. */

/** The key is missing, malformed, or does not open the stored secrets: the service must not start. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

/** No secret of that name. */
export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
  constructor(readonly secretName: string) {
    super(`no secret named "${secretName}"`);
  }
}
