import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { AuthCache } from './authentication/auth-cache';
import { Authenticator } from './authentication/authenticator';
import { PasswordHasher } from './accounts/passwords';
import type { AuthScheme } from './authentication/auth-scheme';
import { BearerScheme } from './auth/schemes/bearer.scheme';
import { TokenScheme } from './auth/schemes/token.scheme';
import { type Clock, systemClock } from './clock';
import type { AuthSchemeName, Config } from './config';
import type { Services } from './context';
import { describeError } from './logging';

export function createServices(
  config: Config,
  options: { clock?: Clock; log?: FastifyBaseLogger; authChannel?: string } = {},
): Services {
  const log = options.log ?? createLogger(config);
  const onBackgroundError = (error: unknown) =>
    log.warn({ err: describeError(error) }, 'background write failed');
  const authCache = new AuthCache({
    ttlMs: config.authCacheTtlMs,
    maxEntries: 100_000,
    channel: options.authChannel,
    timeoutMs: config.databaseTimeoutMs,
  });
  const schemes: Record<AuthSchemeName, () => AuthScheme> = {
    token: () => new TokenScheme(authCache, onBackgroundError),
    bearer: () => new BearerScheme(authCache, onBackgroundError),
  };
  return {
    config,
    log,
    authCache,
    clock: options.clock ?? systemClock,
    passwords: new PasswordHasher(config.bcryptCost, config.passwordHashWorkers),
    authenticator: new Authenticator(config.authSchemes.map((name) => schemes[name]())),
  };
}

export function createLogger(config: Pick<Config, 'logLevel'>): FastifyBaseLogger {
  return pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}
