import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, PROJECT_ROOT } from '../src/config';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const SECRET_KEY = 'a production key of at least thirty-two characters';

describe('loadConfig', () => {
  it('gives the development defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      environment: 'development',
      host: 'localhost',
      port: 4000,
      databaseUrl: null,
      dataDir: path.join(PROJECT_ROOT, '.data'),
      embeddedPostgresPort: 54329,
      databasePoolSize: 10,
      databaseTimeoutMs: 5000,
      loginTokenLifetimeDays: 30,
      bearerTokenDefaultDays: 56,
      bearerTokenMaxDays: 365,
      bearerTokensPerUser: 10,
      bcryptCost: 12,
      passwordHashWorkers: Math.max(1, os.availableParallelism() - 1),
      authCacheTtlMs: 10_000,
      introspection: true,
      explorer: 'sandbox',
      tokenPage: true,
      queryLimits: {
        maxDepth: 8,
        maxAliases: 15,
        maxTokens: 1000,
        maxDirectives: 20,
        maxCost: 5000,
        exposeLimits: true,
      },
      trustProxy: false,
      bodyLimitBytes: 100_000,
      http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 },
      corsOrigins: ['*'],
      authSchemes: ['token', 'bearer', 'tmptoken'],
      secretKey: null,
      secretKeyFallbacks: [],
      scopedTokenMaxAgeSeconds: 86_400,
      allowTokenQueryParam: false,
      passwordHashQueueLimit: 32,
      loginFailuresPerAccount: 10,
      loginFailuresPerAddress: 100,
      loginFailureWindowSeconds: 900,
      defaultPermission: 'isAuthenticated',
      logRequests: true,
      logLevel: 'info',
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '  ', TRUST_PROXY: ' ', AUTH_SCHEMES: '   ' })).toEqual(
      loadConfig({}),
    );
  });
});

describe('loadConfig booleans', () => {
  it.each(['true', '1', 'yes', 'on', 'TRUE', 'Yes', 'oN', ' on '])('reads "%s" as true', (value) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(true);
  });

  it.each(['false', '0', 'no', 'off', 'FALSE', 'No', 'OFF', ' off '])('reads "%s" as false', (value) => {
    expect(loadConfig({ GRAPHQL_INTROSPECTION: value }).introspection).toBe(false);
  });

  it('refuses any other spelling, naming the variable', () => {
    expect(refusal({ TRUST_PROXY: 'Enabled' })).toBe('TRUST_PROXY must be true or false, got "enabled".');
    expect(refusal({ LOG_REQUESTS: 'y' })).toBe('LOG_REQUESTS must be true or false, got "y".');
  });
});

describe('loadConfig whole numbers', () => {
  it('accepts the bounds of the range and trims surrounding spaces', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ PORT: ' 12 ' }).port).toBe(12);
    expect(loadConfig({ BODY_LIMIT_BYTES: '1000' }).bodyLimitBytes).toBe(1000);
  });

  it('refuses a number outside the range', () => {
    expect(refusal({ PORT: '65536' })).toBe('PORT must be a whole number from 0 to 65535, got "65536".');
    expect(refusal({ BODY_LIMIT_BYTES: '999' })).toBe(
      'BODY_LIMIT_BYTES must be a whole number from 1000 to 10000000, got "999".',
    );
    expect(refusal({ BCRYPT_COST: '9' })).toBe('BCRYPT_COST must be a whole number from 10 to 16, got "9".');
  });

  it.each(['1e3', '-1', '+5', '1.5', '0x10', '1 000', 'ten'])(
    'refuses "%s", which is not all digits',
    (value) => {
      expect(refusal({ DATABASE_POOL_SIZE: value })).toBe(
        `DATABASE_POOL_SIZE must be a whole number from 1 to 200, got "${value}".`,
      );
    },
  );

  it('refuses AUTH_CACHE_TTL_MS over a minute, and accepts 0 (no cache) and exactly 60000', () => {
    expect(refusal({ AUTH_CACHE_TTL_MS: '60001' })).toBe(
      'AUTH_CACHE_TTL_MS must be a whole number from 0 to 60000, got "60001".',
    );
    expect(loadConfig({ AUTH_CACHE_TTL_MS: '0' }).authCacheTtlMs).toBe(0);
    expect(loadConfig({ AUTH_CACHE_TTL_MS: '60000' }).authCacheTtlMs).toBe(60_000);
  });
});

describe('loadConfig DATABASE_URL', () => {
  it('accepts postgres:// and postgresql:// URLs as written', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/app' }).databaseUrl).toBe(
      'postgres://u:p@db:5432/app',
    );
    expect(loadConfig({ DATABASE_URL: ' postgresql://db/app ' }).databaseUrl).toBe('postgresql://db/app');
  });

  it('refuses a value that is not a URL', () => {
    expect(refusal({ DATABASE_URL: '//db:5432/app' })).toBe(
      'DATABASE_URL must be a URL such as postgres://user:password@host:5432/dbname.',
    );
    expect(refusal({ DATABASE_URL: 'localhost 5432' })).toBe(
      'DATABASE_URL must be a URL such as postgres://user:password@host:5432/dbname.',
    );
  });

  it('refuses a URL of another protocol, and a host:port that parses as one', () => {
    expect(refusal({ DATABASE_URL: 'mysql://u:p@db:3306/app' })).toBe(
      'DATABASE_URL must start with postgres:// or postgresql://.',
    );
    expect(refusal({ DATABASE_URL: 'db:5432/app' })).toBe(
      'DATABASE_URL must start with postgres:// or postgresql://.',
    );
  });
});

describe('loadConfig AUTH_SCHEMES', () => {
  it('reads names case-insensitively, keeping their order', () => {
    expect(loadConfig({ AUTH_SCHEMES: ' Bearer , TOKEN ' }).authSchemes).toEqual(['bearer', 'token']);
    expect(loadConfig({ AUTH_SCHEMES: 'token' }).authSchemes).toEqual(['token']);
  });

  it('refuses an unknown scheme, naming it', () => {
    expect(refusal({ AUTH_SCHEMES: 'token,Digest' })).toBe(
      'AUTH_SCHEMES may list token, bearer, tmptoken, basic; "digest" is not one of them.',
    );
  });

  it('turns on Basic only when listed', () => {
    expect(loadConfig({ AUTH_SCHEMES: 'token, BASIC' }).authSchemes).toEqual(['token', 'basic']);
  });

  it('reads DEFAULT_PERMISSION in any letter case and refuses an unknown one', () => {
    expect(loadConfig({ DEFAULT_PERMISSION: 'isadmin' }).defaultPermission).toBe('isAdmin');
    expect(refusal({ DEFAULT_PERMISSION: 'everyone' })).toBe(
      'DEFAULT_PERMISSION must be one of allowAny, isAuthenticated, isAuthenticatedOrReadOnly, isAdmin, got "everyone".',
    );
  });

  it('refuses a scheme listed twice, also in another case', () => {
    expect(refusal({ AUTH_SCHEMES: 'token,bearer,Token' })).toBe('AUTH_SCHEMES lists a scheme twice.');
  });

  it('refuses a list that is empty once trimmed', () => {
    expect(refusal({ AUTH_SCHEMES: ' , ' })).toBe('AUTH_SCHEMES must list at least one scheme.');
    expect(refusal({ AUTH_SCHEMES: ',,' })).toBe('AUTH_SCHEMES must list at least one scheme.');
  });
});

describe('loadConfig bearer token lifetimes', () => {
  it('refuses a default lifetime longer than the maximum', () => {
    expect(refusal({ BEARER_TOKEN_DEFAULT_DAYS: '31', BEARER_TOKEN_MAX_DAYS: '30' })).toBe(
      'BEARER_TOKEN_DEFAULT_DAYS must not exceed BEARER_TOKEN_MAX_DAYS.',
    );
    expect(refusal({ BEARER_TOKEN_DEFAULT_DAYS: '366' })).toBe(
      'BEARER_TOKEN_DEFAULT_DAYS must not exceed BEARER_TOKEN_MAX_DAYS.',
    );
  });

  it('lowers the default to the maximum when only a maximum under 56 days is set', () => {
    expect(loadConfig({ BEARER_TOKEN_MAX_DAYS: '30' })).toMatchObject({
      bearerTokenDefaultDays: 30,
      bearerTokenMaxDays: 30,
    });
    expect(loadConfig({ BEARER_TOKEN_MAX_DAYS: '90' })).toMatchObject({
      bearerTokenDefaultDays: 56,
      bearerTokenMaxDays: 90,
    });
  });

  it('accepts a default equal to the maximum', () => {
    expect(loadConfig({ BEARER_TOKEN_DEFAULT_DAYS: '30', BEARER_TOKEN_MAX_DAYS: '30' })).toMatchObject({
      bearerTokenDefaultDays: 30,
      bearerTokenMaxDays: 30,
    });
  });
});

describe('loadConfig TOKENGATE_ENV', () => {
  it('turns introspection, the explorers, limit details and CORS off by default in production', () => {
    const config = loadConfig({ TOKENGATE_ENV: 'production', SECRET_KEY });
    expect(config).toMatchObject({
      environment: 'production',
      introspection: false,
      explorer: 'off',
      tokenPage: true,
      corsOrigins: [],
    });
    expect(config.queryLimits.exposeLimits).toBe(false);
    expect(loadConfig({ TOKENGATE_ENV: 'Production', SECRET_KEY }).environment).toBe('production');
  });

  it('lets an explicit GRAPHQL_INTROSPECTION=true win in production, leaving the explorer off', () => {
    expect(
      loadConfig({ TOKENGATE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', SECRET_KEY }),
    ).toMatchObject({
      introspection: true,
      explorer: 'off',
    });
    expect(loadConfig({ TOKENGATE_ENV: 'production', EXPLORER: 'GraphiQL', SECRET_KEY }).explorer).toBe(
      'graphiql',
    );
  });

  it('lets an explicit choice win in development', () => {
    expect(
      loadConfig({ GRAPHQL_INTROSPECTION: 'false', EXPLORER: 'off', TOKEN_PAGE: 'false' }),
    ).toMatchObject({
      environment: 'development',
      introspection: false,
      explorer: 'off',
      tokenPage: false,
    });
    expect(refusal({ EXPLORER: 'altair' })).toBe(
      'EXPLORER must be one of sandbox, graphiql, off, got "altair".',
    );
  });

  it('refuses an unknown environment, listing the choices', () => {
    expect(refusal({ TOKENGATE_ENV: 'staging' })).toBe(
      'TOKENGATE_ENV must be one of development, production, got "staging".',
    );
  });
});

describe('loadConfig SECRET_KEY', () => {
  it('is required in production, and refused in one sentence naming it when missing or short', () => {
    expect(refusal({ TOKENGATE_ENV: 'production' })).toBe(
      'SECRET_KEY must be set in production: at least 32 random characters, such as the output of `openssl rand -base64 48`.',
    );
    expect(refusal({ SECRET_KEY: 'too short' })).toBe('SECRET_KEY must be at least 32 characters long.');
    expect(refusal({ SECRET_KEY, SECRET_KEY_FALLBACKS: `${SECRET_KEY}-old, short` })).toBe(
      'Every key in SECRET_KEY_FALLBACKS must be at least 32 characters long.',
    );
  });

  it('keeps the current key and the fallbacks apart', () => {
    expect(loadConfig({ SECRET_KEY, SECRET_KEY_FALLBACKS: `${SECRET_KEY}-old` })).toMatchObject({
      secretKey: SECRET_KEY,
      secretKeyFallbacks: [`${SECRET_KEY}-old`],
    });
  });
});

describe('loadConfig CORS_ORIGINS', () => {
  it('reads exact origins, * alone, or none', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*', TOKENGATE_ENV: 'production', SECRET_KEY }).corsOrigins).toEqual([
      '*',
    ]);
    expect(loadConfig({ CORS_ORIGINS: 'none' }).corsOrigins).toEqual([]);
  });

  it.each([
    'https://a.example/',
    'https://a.example/app',
    'a.example',
    'ftp://a.example',
    'https://*.example',
  ])('refuses "%s", which is not an origin', (origin) => {
    expect(refusal({ CORS_ORIGINS: origin })).toBe(
      `CORS_ORIGINS must list origins such as https://app.example.org (scheme, host and port only), got "${origin}".`,
    );
  });

  it('refuses * mixed with origins', () => {
    expect(refusal({ CORS_ORIGINS: '*, https://a.example' })).toBe(
      'CORS_ORIGINS is either * alone or a list of origins, not both.',
    );
  });
});

describe('loadConfig HTTP timeouts and query limits', () => {
  it('refuses a headers timeout longer than the request timeout', () => {
    expect(refusal({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })).toBe(
      'HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS.',
    );
  });

  it('reads every query limit, and refuses one out of range', () => {
    expect(
      loadConfig({
        GRAPHQL_MAX_DEPTH: '5',
        GRAPHQL_MAX_ALIASES: '3',
        GRAPHQL_MAX_TOKENS: '400',
        GRAPHQL_MAX_DIRECTIVES: '2',
        GRAPHQL_MAX_COST: '100',
        GRAPHQL_EXPOSE_LIMITS: 'false',
      }).queryLimits,
    ).toEqual({
      maxDepth: 5,
      maxAliases: 3,
      maxTokens: 400,
      maxDirectives: 2,
      maxCost: 100,
      exposeLimits: false,
    });
    expect(refusal({ GRAPHQL_MAX_DEPTH: '1' })).toBe(
      'GRAPHQL_MAX_DEPTH must be a whole number from 2 to 100, got "1".',
    );
  });
});
