/**
 * The only reader of process.env. Every setting is validated once, at start-up, and a bad value stops the
 * process with a sentence naming the variable. Security-relevant behaviour of Apollo and Fastify is derived from
 * these values, never from NODE_ENV or a library default.
 */
import os from 'node:os';
import path from 'node:path';
import { BUILT_IN_PERMISSION_NAMES, type BuiltInPermissionName } from './permissions/permission';

export type Environment = 'development' | 'production';
export const EXPLORERS = ['sandbox', 'graphiql', 'off'] as const;
export type Explorer = (typeof EXPLORERS)[number];

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
  /** What GET /graphql shows a browser: Apollo Sandbox (from Apollo's CDN), the self-hosted GraphiQL, or nothing. */
  explorer: Explorer;
  /** Serve the token page at /tokens. */
  tokenPage: boolean;
  queryLimits: QueryLimits;
  trustProxy: boolean;
  bodyLimitBytes: number;
  http: HttpTimeouts;
  /** Browser origins allowed to call the API: ['*'] for any, [] for none (same origin only). */
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

/** How long a client may take, so that slow or stalled clients cannot hold connections open. */
export interface HttpTimeouts {
  /** From connecting to the end of the request headers. */
  headersTimeoutMs: number;
  /** From connecting to the end of the request body; also the longest a connection may sit idle. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
}

/** What one GraphQL document may ask for; see src/graphql/query-limits.ts. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** Say which limit was hit and by how much; off in production, where the numbers help an attacker tune. */
  exposeLimits: boolean;
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
    // One core is left to the event loop: bcrypt on every core would stall every other request under a flood.
    passwordHashWorkers: readInteger(
      env,
      'PASSWORD_HASH_WORKERS',
      Math.max(1, os.availableParallelism() - 1),
      1,
      64,
    ),
    passwordHashQueueLimit: readInteger(env, 'PASSWORD_HASH_QUEUE_LIMIT', 32, 1, 100_000),
    authCacheTtlMs: readInteger(env, 'AUTH_CACHE_TTL_MS', 10_000, 0, 60_000),
    introspection: readBoolean(env, 'GRAPHQL_INTROSPECTION', isDevelopment),
    explorer: readChoice(env, 'EXPLORER', EXPLORERS, isDevelopment ? 'sandbox' : 'off'),
    tokenPage: readBoolean(env, 'TOKEN_PAGE', true),
    queryLimits: {
      maxDepth: readInteger(env, 'GRAPHQL_MAX_DEPTH', 8, 2, 100),
      maxAliases: readInteger(env, 'GRAPHQL_MAX_ALIASES', 15, 1, 1000),
      maxTokens: readInteger(env, 'GRAPHQL_MAX_TOKENS', 1000, 50, 100_000),
      maxDirectives: readInteger(env, 'GRAPHQL_MAX_DIRECTIVES', 20, 1, 1000),
      maxCost: readInteger(env, 'GRAPHQL_MAX_COST', 5000, 10, 1_000_000),
      exposeLimits: readBoolean(env, 'GRAPHQL_EXPOSE_LIMITS', isDevelopment),
    },
    trustProxy: readBoolean(env, 'TRUST_PROXY', false),
    bodyLimitBytes: readInteger(env, 'BODY_LIMIT_BYTES', 100_000, 1_000, 10_000_000),
    http: readHttpTimeouts(env),
    corsOrigins: readCorsOrigins(env, isDevelopment ? ['*'] : []),
    authSchemes: readAuthSchemes(env),
    ...readSecretKeys(env, environment),
    scopedTokenMaxAgeSeconds: readInteger(env, 'SCOPED_TOKEN_MAX_AGE_SECONDS', 86_400, 60, 30 * 86_400),
    allowTokenQueryParam: readBoolean(env, 'ALLOW_TOKEN_QUERY_PARAM', false),
    loginFailuresPerAccount: readInteger(env, 'LOGIN_FAILURES_PER_ACCOUNT', 10, 1, 10_000),
    loginFailuresPerAddress: readInteger(env, 'LOGIN_FAILURES_PER_ADDRESS', 100, 1, 1_000_000),
    loginFailureWindowSeconds: readInteger(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400),
    defaultPermission: readChoice(env, 'DEFAULT_PERMISSION', BUILT_IN_PERMISSION_NAMES, 'isAuthenticated'),
    logRequests: readBoolean(env, 'LOG_REQUESTS', true),
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

function readHttpTimeouts(env: Env): HttpTimeouts {
  const headersTimeoutMs = readInteger(env, 'HEADERS_TIMEOUT_MS', 10_000, 500, 300_000);
  const requestTimeoutMs = readInteger(env, 'REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000);
  const keepAliveTimeoutMs = readInteger(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS.');
  }
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs };
}

/**
 * Exact origins (`https://app.example.org`), `*` alone, or `none`. Responses never allow credentials, so even `*`
 * lets a page read only what its own requests, with the tokens it holds itself, are answered.
 */
function readCorsOrigins(env: Env, fallback: string[]): string[] {
  const origins = readList(env, 'CORS_ORIGINS', fallback);
  if (origins.length === 1 && origins[0]!.toLowerCase() === 'none') return [];
  if (origins.includes('*') && origins.length > 1) {
    throw new ConfigError('CORS_ORIGINS is either * alone or a list of origins, not both.');
  }
  for (const origin of origins) {
    if (origin !== '*' && !isOrigin(origin)) {
      throw new ConfigError(
        `CORS_ORIGINS must list origins such as https://app.example.org (scheme, host and port only), got "${origin}".`,
      );
    }
  }
  return origins;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    // The URL parser takes `*` as a host letter; @fastify/cors would then match it literally, never as a wildcard.
    const plain = !value.includes('*');
    return plain && (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
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
