import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { createUser } from '../../src/accounts/users';
import type { Clock } from '../../src/clock';
import { type Config, loadConfig } from '../../src/config';
import type { Services } from '../../src/services';
import { initOrm } from '../../src/database/orm';
import type { Principal } from '../../src/authentication/principal';
import { createServices } from '../../src/services';
import { testDatabaseUrl } from './test-database';

/** A clock the tests move by hand. */
export class TestClock implements Clock {
  private current = Date.now();
  private tick = 0;

  now(): Date {
    this.current += this.tick;
    return new Date(this.current);
  }

  /** Moves time on by `milliseconds` at every reading, as a real clock does between two readings. */
  tickOnEveryRead(milliseconds: number): void {
    this.tick = milliseconds;
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }

  /** Brings the clock up to real time, for what another process made with the system clock (the CLI). */
  catchUp(): void {
    this.current = Math.max(this.current, Date.now());
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TestServer {
  url: string;
  orm: MikroORM;
  services: Services;
  clock: TestClock;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A channel no database trigger notifies. Test servers listen on it by default, so that a change is seen on the
 * very next request only if the server itself cleared its token cache: a test of that cannot pass thanks to a
 * fast NOTIFY. Tests of changes made by other processes pass `authChannel: AUTH_CHANNEL`.
 */
export const ISOLATED_AUTH_CHANNEL = 'tokengate_auth_isolated_test';

/** The real app on the real test database, listening on a free loopback port. */
export async function startTestServer(
  overrides: Partial<Config> = {},
  options: { log?: FastifyBaseLogger; authChannel?: string } = {},
): Promise<TestServer> {
  const config: Config = {
    ...loadConfig({}),
    bcryptCost: 10,
    logLevel: 'silent',
    // Every test's requests come from 127.0.0.1: the per-address throttle would add them all up. Its own tests
    // (test/accounts/login-throttle.test.ts) set the limits they test.
    loginFailuresPerAddress: 1_000_000,
    ...overrides,
  };
  const orm = await initOrm(testDatabaseUrl(), config);
  const clock = new TestClock();
  const services = createServices(config, {
    clock,
    log: options.log,
    authChannel: options.authChannel ?? ISOLATED_AUTH_CHANNEL,
  });
  const app = await buildApp(orm, services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    orm,
    services,
    clock,
    app,
    close: async () => {
      await app.close();
      await services.passwords.close();
      await orm.close();
    },
  };
}

let counter = 0;

/** A username no other test uses (the test files share one database). */
export function uniqueUsername(base = 'user'): string {
  counter += 1;
  return `${base}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function makeUser(
  server: TestServer,
  fields: { username?: string; password?: string | null; isStaff?: boolean; isSuperuser?: boolean } = {},
): Promise<Principal> {
  return createUser(server.orm.em.fork(), server.services, {
    username: fields.username ?? uniqueUsername(),
    email: 'someone@example.org',
    password: fields.password === undefined ? TEST_PASSWORD : fields.password,
    isStaff: fields.isStaff,
    isSuperuser: fields.isSuperuser,
  });
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** One GraphQL request over real HTTP. */
export async function graphql(
  server: TestServer,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResponse['body'],
  };
}

export const LOGIN = `mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) { token expiresAt user { id username } }
}`;

/** Logs in over HTTP and returns the new token. */
export async function logInAs(
  server: TestServer,
  username: string,
  password = TEST_PASSWORD,
): Promise<string> {
  const response = await graphql(server, LOGIN, { variables: { username, password } });
  const login = response.body.data?.login as { token: string } | null | undefined;
  if (!login) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  return login.token;
}

export function tokenHeader(token: string): Record<string, string> {
  return { authorization: `Token ${token}` };
}

export const CREATE_BEARER_TOKEN = `mutation Create($name: String!, $expiresInDays: Int, $forUserId: ID) {
  createBearerToken(name: $name, expiresInDays: $expiresInDays, forUserId: $forUserId) {
    token
    info { id kind name prefix createdAt expiresAt lastUsedAt isCurrent createdBy { id username } }
  }
}`;

/** Creates a bearer token over HTTP, authenticated with the given login token, and returns it. */
export async function createBearerTokenWith(
  server: TestServer,
  loginToken: string,
  variables: { name?: string; expiresInDays?: number; forUserId?: string } = {},
): Promise<string> {
  const response = await graphql(server, CREATE_BEARER_TOKEN, {
    variables: { name: 'script', ...variables },
    headers: tokenHeader(loginToken),
  });
  const created = response.body.data?.createBearerToken as { token: string } | undefined;
  if (!created) throw new Error(`createBearerToken failed: ${JSON.stringify(response.body)}`);
  return created.token;
}

export function bearerHeader(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The first error's code and message, for compact assertions. */
export function errorOf(response: GraphQLResponse) {
  return { code: response.body.errors?.[0]?.extensions?.code, message: response.body.errors?.[0]?.message };
}

/**
 * Changes made by another process (the CLI, SQL) reach a server's token cache through PostgreSQL NOTIFY, a
 * moment after their commit: asks `{ me { id } }` until it is refused, for at most `ms`, and returns the last
 * answer.
 */
export async function refusedWithin(
  server: TestServer,
  ms: number,
  headers: Record<string, string>,
): Promise<GraphQLResponse> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await graphql(server, '{ me { id } }', { headers });
    if (response.status === 401 || Date.now() > deadline) return response;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once some request of this database waits for a user's row lock (see withLockedUser). */
export async function untilWaitingForUserLock(server: TestServer, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [row] = await server.orm.em.fork().execute<{ waiting: number }[]>(
      `select count(*)::int as waiting from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and query like '%for no key update%'`,
    );
    if ((row?.waiting ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error('no request waited for a user lock');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
