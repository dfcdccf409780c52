import { CombinedGraphQLErrors, ServerError } from '@apollo/client';

/** An API error as the page shows it: a sentence for people, and the stable code it was chosen by. */
export interface ShownError {
  code: string;
  message: string;
}

/** Codes whose server message is written for the person at the page, and safe to show as it is. */
const SPOKEN_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

/** A refusal the page itself decides on (no such user), shown like the API's. */
export class PageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function shownError(error: unknown): ShownError {
  if (error instanceof PageError) return { code: error.code, message: error.message };
  const first = firstGraphQLError(error);
  if (first) return byCode(first.code, first.message, first.requestId);
  if (ServerError.is(error))
    return { code: 'HTTP', message: `The server answered with HTTP ${error.statusCode}.` };
  return { code: 'NETWORK', message: 'The server cannot be reached; check your connection and try again.' };
}

function byCode(code: string, message: string, requestId: unknown): ShownError {
  if (SPOKEN_CODES.has(code)) return { code, message };
  if (code === 'INTERNAL_SERVER_ERROR') {
    const reference = typeof requestId === 'string' ? ` (reference ${requestId})` : '';
    return { code, message: `Something went wrong on the server${reference}. Try again later.` };
  }
  return { code, message: 'The server did not accept this request. Reload the page and try again.' };
}

interface FirstError {
  code: string;
  message: string;
  requestId: unknown;
}

interface WireError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The first GraphQL error, from a GraphQL response or from the JSON body of an HTTP error. */
function firstGraphQLError(error: unknown): FirstError | null {
  const first = CombinedGraphQLErrors.is(error)
    ? error.errors[0]
    : ServerError.is(error)
      ? errorsInBody(error.bodyText)[0]
      : undefined;
  if (!first) return null;
  return { code: codeOf(first.extensions), message: first.message, requestId: first.extensions?.requestId };
}

function errorsInBody(bodyText: string): WireError[] {
  try {
    return (JSON.parse(bodyText) as { errors?: WireError[] }).errors ?? [];
  } catch {
    return [];
  }
}

function codeOf(extensions: Record<string, unknown> | undefined): string {
  return typeof extensions?.code === 'string' ? extensions.code : '';
}
