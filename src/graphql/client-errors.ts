/**
 * What a client sees of an error. Input values are never echoed: graphql-js quotes a rejected variable or literal
 * in its messages, and that may be a password sent in the wrong shape, to be stored by a client's error reporter.
 *
 * Of a failure we did not raise on purpose, the client sees never its message, stack, SQL or driver text, only
 * a stable code and the request id under which the details were logged. A database that cannot be reached is
 * told apart: 503 SERVICE_UNAVAILABLE with Retry-After, so clients and load balancers retry instead of reporting
 * a bug. Errors we raise (AppError) pass through unchanged.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { FastifyBaseLogger } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Context } from '../context';
import { isDatabaseUnavailable } from '../database/database';
import { AppError, DatabaseOutage, ErrorCode, InternalError } from '../errors';
import { describeError } from '../logging';

/** Apollo's formatError. It sees no request; the plugin below adds the request id. */
export function formatClientError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return formatted;
  if (formatted.extensions?.code !== ErrorCode.Internal) {
    return { ...formatted, message: withoutInputValues(formatted.message) };
  }
  const masked = maskedErrorOf(original);
  return { message: masked.message, path: formatted.path, extensions: { code: masked.code } };
}

/** Logs each unexpected error with the request's id, sets 503 for an outage, and gives clients the id. */
export function unexpectedErrorPlugin(): ApolloServerPlugin<Context> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didEncounterErrors: ({ errors, contextValue, response }) => {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof GraphQLError && original.extensions.code) continue;
            if (isDatabaseUnavailable(original)) {
              response.http.status = 503;
              response.http.headers.set('retry-after', String(DatabaseOutage.RETRY_AFTER_SECONDS));
            }
            logUnexpected(contextValue.log, original);
          }
          return Promise.resolve();
        },
        willSendResponse: ({ response, contextValue }) => {
          if (response.body.kind === 'single' && response.body.singleResult.errors) {
            const { errors } = response.body.singleResult;
            response.body.singleResult.errors = errors.map((error) =>
              withRequestId(error, contextValue.requestId),
            );
          }
          return Promise.resolve();
        },
      }),
  };
}

/** What the client sees of an unexpected error: 503 for a database that cannot serve now, else a masked 500. */
export function maskedErrorOf(error: unknown, requestId?: string): DatabaseOutage | InternalError {
  return isDatabaseUnavailable(error) ? new DatabaseOutage(requestId) : new InternalError(requestId);
}

/** Logs an unexpected error outside GraphQL execution (context, HTTP layer) and returns what the client sees. */
export function reportUnexpected(log: FastifyBaseLogger, error: unknown, requestId: string): AppError {
  logUnexpected(log, error);
  return maskedErrorOf(error, requestId);
}

/** The log line for an error the client sees only as a code: its type and frames, never its message. */
export function logUnexpected(log: FastifyBaseLogger, error: unknown): void {
  if (isDatabaseUnavailable(error)) log.warn({ err: describeError(error) }, 'database unavailable');
  else log.error({ err: describeError(error) }, 'request failed unexpectedly');
}

/** graphql-js's messages that quote an input value, cut before the value. */
const VALUE_ECHOES: [RegExp, string][] = [
  [/^(Variable "\$\w+") got invalid value .*$/s, '$1 got an invalid value.'],
  [/^(.* cannot represent [^:]*): .*$/s, '$1.'],
  [/^(Expected value of type "[^"]+"), found .*$/s, '$1.'],
];

function withoutInputValues(message: string): string {
  for (const [pattern, replacement] of VALUE_ECHOES) {
    if (pattern.test(message)) return message.replace(pattern, replacement);
  }
  return message;
}

const MASKED_CODES: unknown[] = [ErrorCode.Internal, ErrorCode.ServiceUnavailable];

function withRequestId(error: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  if (!MASKED_CODES.includes(error.extensions?.code)) return error;
  return { ...error, extensions: { ...error.extensions, requestId } };
}
