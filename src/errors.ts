import { GraphQLError } from 'graphql';

/** The stable `extensions.code` values clients can rely on. */
export const ErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  RateLimited: 'RATE_LIMITED',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  /** HTTP-level refusals before GraphQL runs: malformed body, wrong method, unknown path. */
  BadRequest: 'BAD_REQUEST',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error whose message is safe to show to the client, with a stable code. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, httpStatus?: number, headers?: Map<string, string>) {
    super(message, {
      // Apollo reads `http.headers` as a Map when it is there: leave it out rather than undefined.
      extensions: {
        code,
        ...(httpStatus ? { http: headers ? { status: httpStatus, headers } : { status: httpStatus } } : {}),
      },
    });
  }

  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const INVALID_CREDENTIALS_MESSAGE = 'Unable to log in with provided credentials.';
export const INVALID_TOKEN_MESSAGE = 'Invalid or expired token.';

/** A credential was presented and refused: the whole request fails with HTTP 401 and a challenge. */
export class AuthenticationFailed extends AppError {
  /** `challenge` is the WWW-Authenticate value; empty when no enabled scheme is offered (Basic alone). */
  constructor(message: string, challenge: string) {
    super(
      ErrorCode.Unauthenticated,
      message,
      401,
      challenge ? new Map([['www-authenticate', challenge]]) : undefined,
    );
  }
}

/** The operation needs an authenticated caller (or valid credentials) and has none. */
export class NotAuthenticated extends AppError {
  constructor(message = 'Authentication credentials were not provided.') {
    super(ErrorCode.Unauthenticated, message);
  }
}

export class PermissionDenied extends AppError {
  constructor(message = 'You do not have permission to perform this action.') {
    super(ErrorCode.Forbidden, message);
  }
}

export class InvalidInput extends AppError {
  constructor(message: string) {
    super(ErrorCode.BadUserInput, message);
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
  }
}

/** Too many failed password checks for this account or address: try again after `retryAfterSeconds`. */
export class Throttled extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      ErrorCode.RateLimited,
      `Too many failed attempts; try again in ${retryAfterSeconds} seconds.`,
      429,
      new Map([['retry-after', String(retryAfterSeconds)]]),
    );
  }
}

/** Too much password work is already queued: try again shortly rather than wait minutes in line. */
export class Overloaded extends AppError {
  constructor(retryAfterSeconds: number) {
    super(
      ErrorCode.ServiceUnavailable,
      'The server is busy checking passwords; try again shortly.',
      503,
      new Map([['retry-after', String(retryAfterSeconds)]]),
    );
  }
}

/** Anything we did not raise on purpose, as the client sees it (the details are logged under the request id). */
export class InternalError extends AppError {
  constructor(requestId?: string) {
    super(ErrorCode.Internal, 'Internal server error.', 500);
    if (requestId) this.extensions.requestId = requestId;
  }
}

/** The database cannot be reached or does not answer in time: retry shortly, nothing was done. */
export class DatabaseOutage extends AppError {
  static readonly RETRY_AFTER_SECONDS = 5;

  constructor(requestId?: string) {
    super(
      ErrorCode.ServiceUnavailable,
      'The database is unavailable; try again shortly.',
      503,
      new Map([['retry-after', String(DatabaseOutage.RETRY_AFTER_SECONDS)]]),
    );
    if (requestId) this.extensions.requestId = requestId;
  }
}
