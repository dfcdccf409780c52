import type { FastifyBaseLogger } from 'fastify';
import { type LoggerOptions, pino } from 'pino';
import { type AuditLog, auditLogTo } from './audit-log';
import { LoginThrottle } from './accounts/login-throttle';
import { PasswordHasher } from './accounts/passwords';
import { ApiTokenScheme } from './authentication/api-token.scheme';
import { AuthCache } from './authentication/auth-cache';
import type { AuthScheme } from './authentication/auth-scheme';
import { BasicScheme } from './authentication/basic.scheme';
import { TmpTokenScheme } from './authentication/tmp-token.scheme';
import { Authenticator } from './authentication/authenticator';
import { type Clock, systemClock } from './clock';
import type { AuthSchemeName, Config } from './config';
import { describeError } from './logging';
import { resolveSecretKey } from './secret-key';
import { ScopedTokenSigner } from './tokens/scoped-token-signer';

/** What the server and the CLI share, made once per process from the config. */
export interface Services {
  config: Config;
  clock: Clock;
  passwords: PasswordHasher;
  authenticator: Authenticator;
  authCache: AuthCache;
  log: FastifyBaseLogger;
  audit: AuditLog;
  scopedTokens: ScopedTokenSigner;
  loginThrottle: LoginThrottle;
}

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
  const passwords = new PasswordHasher(
    config.bcryptCost,
    config.passwordHashWorkers,
    config.passwordHashQueueLimit,
  );
  const scopedTokens = new ScopedTokenSigner(resolveSecretKey(config), config.secretKeyFallbacks);
  const clock = options.clock ?? systemClock;
  const loginThrottle = new LoginThrottle(config, clock, passwords);
  const schemes: Record<AuthSchemeName, () => AuthScheme> = {
    token: () => new ApiTokenScheme('token', authCache, onBackgroundError),
    bearer: () => new ApiTokenScheme('bearer', authCache, onBackgroundError),
    basic: () => new BasicScheme(passwords, loginThrottle),
    tmptoken: () =>
      new TmpTokenScheme(scopedTokens, config.scopedTokenMaxAgeSeconds, authCache, onBackgroundError),
  };
  return {
    config,
    log,
    audit: auditLogTo(log),
    authCache,
    clock,
    passwords,
    scopedTokens,
    loginThrottle,
    authenticator: new Authenticator(config.authSchemes.map((name) => schemes[name]())),
  };
}

/** The JSON log, to standard output (the server) or standard error (the CLI, whose output is its answer). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination: 1 | 2 = 1): FastifyBaseLogger {
  return pino(loggerOptions(config.logLevel), pino.destination({ dest: destination, sync: true }));
}

/**
 * What every log of tokengate keeps out: credentials in headers, fields named like secrets, and a token in a
 * request's URL. Nothing logs request bodies or GraphQL variables; the field paths are a second line of defence.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.headers["x-api-key"]',
      'variables',
      '*.variables',
      'password',
      '*.password',
      'token',
      '*.token',
      'secret',
      '*.secret',
    ],
    // This runs after Fastify's own request serializer, whatever that puts in.
    formatters: { log: redactRequestUrl },
  };
}

function redactRequestUrl(entry: Record<string, unknown>): Record<string, unknown> {
  const req = entry.req as { url?: unknown } | undefined;
  if (typeof req?.url !== 'string') return entry;
  const url = req.url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
  // Formatters run before serializers: hand Fastify's serializer the request itself with only its URL replaced
  // (a spread copy would lose the method, host and address, which are getters).
  return { ...entry, req: Object.create(req, { url: { value: url } }) as unknown };
}
