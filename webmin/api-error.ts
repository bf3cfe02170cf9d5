/**
 * A failed API call, carrying the service's error object (`{error: {code, message, ...}}`) so the
 * views branch on `code` and `field`, never on the message.
 */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the service did not answer at all. */
    readonly status: number,
    /** The service's error code (`unauthorized`, `invalid`, `syntax_error`, `conflict`, ...). */
    readonly code: string,
    message: string,
    /** The job field an `invalid` error is about. */
    readonly field?: string,
    /** Where a `syntax_error` is, 1-based. */
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }

  /** Builds the error from a non-2xx response, whatever its body holds. */
  static async from(response: Response): Promise<ApiError> {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy's error page, say): the status alone has to do.
    }
    const error = isRecord(body) && isRecord(body.error) ? body.error : {};
    const code = typeof error.code === 'string' ? error.code : `http_${response.status}`;
    const message = typeof error.message === 'string' ? error.message : `The service answered ${response.status} ${response.statusText}.`;
    return new ApiError(
      response.status,
      code,
      message,
      typeof error.field === 'string' ? error.field : undefined,
      typeof error.line === 'number' ? error.line : undefined,
      typeof error.column === 'number' ? error.column : undefined,
    );
  }

  static network(): ApiError {
    return new ApiError(0, 'network', 'The service did not answer. Check that it is running, then try again.');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * What a page says when a call failed: `what` and the reason, or null for a 401, which the app
 * shell answers with the login page (the `qj-unauthorized` event of api.ts).
 */
export function failureText(what: string, error: unknown): string | null {
  if (error instanceof ApiError && error.status === 401) return null;
  return `${what}: ${error instanceof Error ? error.message : String(error)}`;
}
