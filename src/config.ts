/**
 * The only reader of process.env. Every setting is validated once, at start-up, and a bad value stops the
 * process with a sentence naming the variable. Security-relevant behaviour of Apollo and Fastify is derived from
 * these values, never from NODE_ENV or a library default.
 */
import path from 'node:path';
import { BUILT_IN_PERMISSION_NAMES, type BuiltInPermissionName } from './permissions/permission';

export type Environment = 'development' | 'production';

export interface Config {
  environment: Environment;
  host: string;
  port: number;
  databaseUrl: string | null;
  dataDir: string;
  embeddedPostgresPort: number;
  databasePoolSize: number;
  databaseTimeoutMs: number;
  loginTokenLifetimeDays: number;
  bearerTokenDefaultDays: number;
  bearerTokenMaxDays: number;
  bearerTokensPerUser: number;
  bcryptCost: number;
  passwordHashWorkers: number;
  passwordHashQueueLimit: number;
  authCacheTtlMs: number;
  introspection: boolean;
  landingPage: boolean;
  trustProxy: boolean;
  bodyLimitBytes: number;
  corsOrigins: string[];
  authSchemes: AuthSchemeName[];
  /** Signs scoped tokens; null in development when unset (then generated once into the data folder). */
  secretKey: string | null;
  /** Earlier keys: their scoped tokens still verify, but nothing new is signed with them. */
  secretKeyFallbacks: string[];
  scopedTokenMaxAgeSeconds: number;
  allowTokenQueryParam: boolean;
  loginFailuresPerAccount: number;
  loginFailuresPerAddress: number;
  loginFailureWindowSeconds: number;
  /** What guards a field that has no permission directive of its own or on its type. */
  defaultPermission: BuiltInPermissionName;
  logRequests: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

/**
 * Authorization schemes this server implements. A request's keyword selects its scheme (none is tried after
 * another); the order of AUTH_SCHEMES is the order of the challenges in WWW-Authenticate.
 */
const AUTH_SCHEME_NAMES = ['token', 'bearer', 'tmptoken', 'basic'] as const;
export type AuthSchemeName = (typeof AUTH_SCHEME_NAMES)[number];
/** Basic is off unless listed: DRF calls it appropriate for testing only. */
const DEFAULT_AUTH_SCHEMES: AuthSchemeName[] = ['token', 'bearer', 'tmptoken'];

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export const PROJECT_ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);

export function loadConfig(env: Env = process.env): Config {
  const environment = readChoice(env, 'TOKENGATE_ENV', ['development', 'production'], 'development');
  const isDevelopment = environment === 'development';
  return {
    environment,
    host: readString(env, 'HOST', 'localhost'),
    port: readInteger(env, 'PORT', 4000, 0, 65535),
    databaseUrl: readDatabaseUrl(env),
    dataDir: path.resolve(PROJECT_ROOT, readString(env, 'DATA_DIR', '.data')),
    embeddedPostgresPort: readInteger(env, 'EMBEDDED_POSTGRES_PORT', 54329, 1024, 65535),
    databasePoolSize: readInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    databaseTimeoutMs: readInteger(env, 'DATABASE_TIMEOUT_MS', 5000, 100, 600_000),
    loginTokenLifetimeDays: readInteger(env, 'LOGIN_TOKEN_LIFETIME_DAYS', 30, 1, 3650),
    ...readBearerTokenLimits(env),
    bcryptCost: readInteger(env, 'BCRYPT_COST', 12, 10, 16),
    passwordHashWorkers: readInteger(env, 'PASSWORD_HASH_WORKERS', 2, 1, 64),
    passwordHashQueueLimit: readInteger(env, 'PASSWORD_HASH_QUEUE_LIMIT', 32, 1, 100_000),
    authCacheTtlMs: readInteger(env, 'AUTH_CACHE_TTL_MS', 10_000, 0, 60_000),
    introspection: readBoolean(env, 'GRAPHQL_INTROSPECTION', isDevelopment),
    landingPage: readBoolean(env, 'GRAPHQL_LANDING_PAGE', isDevelopment),
    trustProxy: readBoolean(env, 'TRUST_PROXY', false),
    bodyLimitBytes: readInteger(env, 'BODY_LIMIT_BYTES', 100_000, 1_000, 10_000_000),
    corsOrigins: readList(env, 'CORS_ORIGINS', ['*']),
    authSchemes: readAuthSchemes(env),
    ...readSecretKeys(env, environment),
    scopedTokenMaxAgeSeconds: readInteger(env, 'SCOPED_TOKEN_MAX_AGE_SECONDS', 86_400, 60, 30 * 86_400),
    allowTokenQueryParam: readBoolean(env, 'ALLOW_TOKEN_QUERY_PARAM', false),
    loginFailuresPerAccount: readInteger(env, 'LOGIN_FAILURES_PER_ACCOUNT', 10, 1, 10_000),
    loginFailuresPerAddress: readInteger(env, 'LOGIN_FAILURES_PER_ADDRESS', 100, 1, 1_000_000),
    loginFailureWindowSeconds: readInteger(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400),
    defaultPermission: readChoice(env, 'DEFAULT_PERMISSION', BUILT_IN_PERMISSION_NAMES, 'isAuthenticated'),
    logRequests: readBoolean(env, 'LOG_REQUESTS', false),
    logLevel: readChoice(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'silent'], 'info'),
  };
}

function readString(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return Number(raw);
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}".`);
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  const choice = choices.find((candidate) => candidate.toLowerCase() === raw);
  if (!choice) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}".`);
  return choice;
}

function readList(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function readDatabaseUrl(env: Env): string | null {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL must be a URL such as postgres://user:password@host:5432/dbname.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://.');
  }
  return raw;
}

function readAuthSchemes(env: Env): AuthSchemeName[] {
  const names = readList(env, 'AUTH_SCHEMES', [...DEFAULT_AUTH_SCHEMES]).map((name) => name.toLowerCase());
  const schemes = names.map((name) => {
    const scheme = AUTH_SCHEME_NAMES.find((candidate) => candidate === name);
    if (!scheme) {
      throw new ConfigError(
        `AUTH_SCHEMES may list ${AUTH_SCHEME_NAMES.join(', ')}; "${name}" is not one of them.`,
      );
    }
    return scheme;
  });
  if (schemes.length === 0) throw new ConfigError('AUTH_SCHEMES must list at least one scheme.');
  if (new Set(schemes).size !== schemes.length) throw new ConfigError('AUTH_SCHEMES lists a scheme twice.');
  return schemes;
}

const MIN_SECRET_KEY_LENGTH = 32;

function readSecretKeys(env: Env, environment: Environment) {
  const secretKey = env.SECRET_KEY?.trim() || null;
  const secretKeyFallbacks = readList(env, 'SECRET_KEY_FALLBACKS', []);
  if (secretKey === null && environment === 'production') {
    throw new ConfigError(
      `SECRET_KEY must be set in production: at least ${MIN_SECRET_KEY_LENGTH} random characters, such as the output of \`openssl rand -base64 48\`.`,
    );
  }
  if (secretKey !== null && secretKey.length < MIN_SECRET_KEY_LENGTH) {
    throw new ConfigError(`SECRET_KEY must be at least ${MIN_SECRET_KEY_LENGTH} characters long.`);
  }
  if (secretKeyFallbacks.some((key) => key.length < MIN_SECRET_KEY_LENGTH)) {
    throw new ConfigError(
      `Every key in SECRET_KEY_FALLBACKS must be at least ${MIN_SECRET_KEY_LENGTH} characters long.`,
    );
  }
  return { secretKey, secretKeyFallbacks };
}

/** The password for non-interactive CLI commands (`createsuperuser --no-input`), as Django's env variable. */
export function readCliPassword(env: Env = process.env): string | null {
  return env.TOKENGATE_PASSWORD ?? null;
}

function readBearerTokenLimits(env: Env) {
  const bearerTokenMaxDays = readInteger(env, 'BEARER_TOKEN_MAX_DAYS', 365, 1, 3650);
  const bearerTokenDefaultDays = readInteger(
    env,
    'BEARER_TOKEN_DEFAULT_DAYS',
    Math.min(56, bearerTokenMaxDays),
    1,
    3650,
  );
  if (bearerTokenDefaultDays > bearerTokenMaxDays) {
    throw new ConfigError('BEARER_TOKEN_DEFAULT_DAYS must not exceed BEARER_TOKEN_MAX_DAYS.');
  }
  const bearerTokensPerUser = readInteger(env, 'BEARER_TOKENS_PER_USER', 10, 1, 1000);
  return { bearerTokenDefaultDays, bearerTokenMaxDays, bearerTokensPerUser };
}
