/** Failures of the secret store: each names what is wrong and what to do. */

/** The key is missing, malformed, or does not open the stored secrets: the service must not start. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}
