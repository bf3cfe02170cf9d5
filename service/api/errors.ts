/** Errors the HTTP edge raises itself; domain errors from elsewhere are mapped in app.ts. */

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers the answer needs, such as `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
