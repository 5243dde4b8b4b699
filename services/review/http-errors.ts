// Every error the review API answers with: a stable code, its HTTP status and what it means.
// docs/review-app.md lists the same codes (http-errors.test.ts checks). Bodies are
// `{ "error": { "code", "message" } }`; a message never carries SQL or server internals.

export const REVIEW_ERRORS = {
  BAD_REQUEST: {
    status: 400,
    summary: 'a query parameter or body field is missing or malformed (the message names it)',
  },
  UNAUTHENTICATED: { status: 401, summary: 'no valid session: sign in (again)' },
  LOGIN_FAILED: { status: 401, summary: 'user name or password wrong, or the account is disabled' },
  FORBIDDEN: { status: 403, summary: "the caller's role or agency does not allow this" },
  CSRF_FAILED: { status: 403, summary: 'a state-changing request without the matching X-CSRF-Token header' },
  NOT_FOUND: { status: 404, summary: 'no such case or route' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'bodies are application/json' },
  RATE_LIMITED: { status: 429, summary: 'too many failed sign-ins; retry after the Retry-After seconds' },
  STORE_UNAVAILABLE: { status: 503, summary: 'ClickHouse did not answer; retry shortly' },
  INTERNAL: { status: 500, summary: 'an unexpected error; the server log has it under err' },
} as const;

export type ReviewErrorCode = keyof typeof REVIEW_ERRORS;

export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ReviewErrorCode,
    message: string = REVIEW_ERRORS[code].summary,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = REVIEW_ERRORS[code].status;
  }
}

export function errorBody(code: ReviewErrorCode, message: string) {
  return { error: { code, message } };
}
