/**
 * Failures a user can fix (a bad setting, an unreachable database, a busy port, a refused input) are reported
 * as their one-sentence message, by the server's start-up and by the CLI alike. Anything else is reported by
 * its type only: its message may quote SQL, a connection string or a secret.
 */
import { ConfigError } from './config';
import { DatabaseUnavailable } from './database/database';
import { EmbeddedPostgresError } from './database/embedded-postgres';
import { AppError } from './errors';
import { describeError } from './logging';

const EXPECTED_ERRORS = [ConfigError, DatabaseUnavailable, EmbeddedPostgresError, AppError];

function isExpectedError(error: unknown): error is Error {
  return EXPECTED_ERRORS.some((type) => error instanceof type);
}

/** One line that tells what went wrong with `what` (a command, "Start-up"). */
export function explainFailure(what: string, error: unknown): string {
  if (isExpectedError(error)) return error.message;
  const { type, code } = describeError(error);
  return `${what} failed unexpectedly (${type}${code === undefined ? '' : ` ${code}`}).`;
}
