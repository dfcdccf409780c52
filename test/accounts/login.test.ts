import { hash } from 'node:crypto';
import { BcryptPool } from '../../src/accounts/bcrypt-pool';
import { PasswordHasher } from '../../src/accounts/passwords';
import { ApiToken } from '../../src/entities/api-token.entity';
import { User } from '../../src/entities/user.entity';
import { INVALID_CREDENTIALS_MESSAGE } from '../../src/errors';
import { digestToken } from '../../src/tokens/token-format';
import { until } from '../support/until';
import {
  DAY_MS,
  graphql,
  LOGIN,
  errorOf,
  logInAs,
  makeUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  tokenHeader,
  uniqueUsername,
} from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(() => jest.restoreAllMocks());

const ME = '{ me { username lastLogin } }';

describe('login', () => {
  it('issues a login token that authenticates as the user', async () => {
    const user = await makeUser(server);
    const response = await graphql(server, LOGIN, {
      variables: { username: user.username, password: TEST_PASSWORD },
    });
    const login = response.body.data?.login as {
      token: string;
      expiresAt: string;
      user: { username: string };
    };
    expect(response.status).toBe(200);
    expect(login.token).toMatch(/^tgl_[0-9A-Za-z]{36}$/);
    expect(login.user.username).toBe(user.username);
    const me = await graphql(server, ME, { headers: tokenHeader(login.token) });
    expect(me.body.data?.me).toMatchObject({ username: user.username });
    expect((me.body.data?.me as { lastLogin: string }).lastLogin).not.toBeNull();
  });

  it('expires login tokens after LOGIN_TOKEN_LIFETIME_DAYS (30 by default)', async () => {
    const user = await makeUser(server);
    const response = await graphql(server, LOGIN, {
      variables: { username: user.username, password: TEST_PASSWORD },
    });
    const { expiresAt } = response.body.data?.login as { expiresAt: string };
    expect(Date.parse(expiresAt) - server.clock.now().getTime()).toBe(30 * DAY_MS);
  });

  it('issues a new token on every login, and all of them work', async () => {
    const user = await makeUser(server);
    const variables = { username: user.username, password: TEST_PASSWORD };
    const first = (await graphql(server, LOGIN, { variables })).body.data?.login as { token: string };
    const second = (await graphql(server, LOGIN, { variables })).body.data?.login as { token: string };
    expect(first.token).not.toBe(second.token);
    for (const token of [first.token, second.token]) {
      expect((await graphql(server, ME, { headers: tokenHeader(token) })).body.data?.me).not.toBeNull();
    }
  });

  it('stores only a digest of the token, never the token itself', async () => {
    const user = await makeUser(server);
    const response = await graphql(server, LOGIN, {
      variables: { username: user.username, password: TEST_PASSWORD },
    });
    const { token } = response.body.data?.login as { token: string };
    const rows = await server.orm.em
      .fork()
      .execute<Record<string, unknown>[]>('select t.* from api_tokens t where t.user_id = ?', [user.id]);
    expect(JSON.stringify(rows)).not.toContain(token.slice(12));
    expect(rows[0]).toMatchObject({ kind: 'login', prefix: token.slice(0, 12) });
  });

  describe('refuses every bad login with one identical answer after one bcrypt check', () => {
    const cases: [string, () => Promise<{ username: string; password: string }>][] = [
      ['unknown user', () => Promise.resolve({ username: uniqueUsername('ghost'), password: TEST_PASSWORD })],
      [
        'wrong password',
        async () => ({ username: (await makeUser(server)).username, password: 'not the password' }),
      ],
      [
        'inactive user',
        async () => {
          const user = await makeUser(server);
          await server.orm.em.fork().nativeUpdate(User, { id: user.id }, { isActive: false });
          return { username: user.username, password: TEST_PASSWORD };
        },
      ],
      [
        'a username that cannot exist (NUL byte, too long)',
        () => Promise.resolve({ username: `ghost\u0000${'x'.repeat(200)}`, password: TEST_PASSWORD }),
      ],
      [
        'unusable password hash',
        async () => ({ username: (await makeUser(server, { password: null })).username, password: '!' }),
      ],
      [
        'hash of an unknown algorithm',
        async () => {
          const user = await makeUser(server);
          await server.orm.em.fork().nativeUpdate(User, { id: user.id }, { passwordHash: 'md5$x$y' });
          return { username: user.username, password: TEST_PASSWORD };
        },
      ],
    ];

    it.each(cases)('%s', async (_name, prepare) => {
      const variables = await prepare();
      await server.services.passwords.warmUp();
      const compare = jest.spyOn(BcryptPool.prototype, 'compare');
      const hash = jest.spyOn(BcryptPool.prototype, 'hash');
      const response = await graphql(server, LOGIN, { variables });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: { login: null },
        errors: [
          {
            message: INVALID_CREDENTIALS_MESSAGE,
            locations: [{ line: 2, column: 3 }],
            path: ['login'],
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
      expect(compare).toHaveBeenCalledTimes(1);
      expect(hash).not.toHaveBeenCalled();
    });
  });

  it('rehashes the password at the configured cost when the cost changed', async () => {
    const user = await makeUser(server);
    const stronger = await startTestServer({ bcryptCost: 11 });
    try {
      const stored = await server.orm.em.fork().findOneOrFail(User, user.id);
      expect(stored.passwordHash).toMatch(/^bcrypt_sha256\$\$2[ab]\$10\$/);
      const response = await graphql(stronger, LOGIN, {
        variables: { username: user.username, password: TEST_PASSWORD },
      });
      expect(response.body.data?.login).not.toBeNull();
      const reloaded = await server.orm.em.fork().findOneOrFail(User, user.id);
      expect(reloaded.passwordHash).toMatch(/^bcrypt_sha256\$\$2[ab]\$11\$/);
      expect(
        (await graphql(server, LOGIN, { variables: { username: user.username, password: TEST_PASSWORD } }))
          .body.data?.login,
      ).not.toBeNull();
    } finally {
      await stronger.close();
    }
  });

  it('tells a 73-byte password from one that differs only after byte 72', async () => {
    const password = `${'a'.repeat(72)}X`;
    const user = await makeUser(server, { password });
    const wrong = await graphql(server, LOGIN, {
      variables: { username: user.username, password: `${'a'.repeat(72)}Y` },
    });
    expect(wrong.body.data?.login).toBeNull();
    const right = await graphql(server, LOGIN, { variables: { username: user.username, password } });
    expect(right.body.data?.login).not.toBeNull();
  });

  it('issues no token when the password changed while the login was checking the old one', async () => {
    const slow = await startTestServer({ bcryptCost: 12 });
    try {
      const user = await makeUser(slow);
      const changedHash = await slow.services.passwords.hash('changed password');
      // The cost-12 check takes ~0.4 s on a worker thread; the password changes in the middle of it.
      const compare = jest.spyOn(BcryptPool.prototype, 'compare');
      const login = graphql(slow, LOGIN, { variables: { username: user.username, password: TEST_PASSWORD } });
      await until(() => compare.mock.calls.length > 0);
      await slow.orm.em.fork().nativeUpdate(User, { id: user.id }, { passwordHash: changedHash });
      const response = await login;
      expect(response.body.data?.login).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await slow.orm.em.fork().count(ApiToken, { user: user.id })).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('refuses a document that asks for login more than once (aliases, fragments) before any bcrypt work', async () => {
    const user = await makeUser(server);
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const documents = [
      `mutation { a: login(username: "${user.username}", password: "x1") { token } b: login(username: "${user.username}", password: "x2") { token } }`,
      `mutation { ...A ...B } fragment A on Mutation { a: login(username: "u", password: "p") { token } }
       fragment B on Mutation { b: changePassword(currentPassword: "p", newPassword: "q") }`,
    ];
    for (const query of documents) {
      const response = await graphql(server, query);
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]).toMatchObject({
        message:
          'A request may run only one of login, rotateToken, createBearerToken, scopedToken, changePassword and createUser.',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    }
    expect(compare).not.toHaveBeenCalled();
  });

  it('labels the token with the client user agent', async () => {
    const user = await makeUser(server);
    await graphql(server, LOGIN, {
      variables: { username: user.username, password: TEST_PASSWORD },
      headers: { 'user-agent': 'research-script/1.0' },
    });
    const rows = await server.orm.em
      .fork()
      .execute<{ name: string }[]>('select name from api_tokens where user_id = ?', [user.id]);
    expect(rows.map((row) => row.name)).toEqual(['research-script/1.0']);
  });
});

describe('the writes of a login', () => {
  it('writes the user row once, and keeps the token cache warm for everyone else', async () => {
    const bystander = await makeUser(server);
    const bystanderToken = await logInAs(server, bystander.username);
    await graphql(server, '{ me { id } }', { headers: { authorization: `Token ${bystanderToken}` } });
    const isCached = () =>
      server.services.authCache.get(digestToken(bystanderToken), server.clock.now()) !== undefined;
    expect(isCached()).toBe(true);

    const user = await makeUser(server);
    const writes = await countUserRowWrites(user.id, () => logInAs(server, user.username));
    expect(writes).toBe(1);
    expect(isCached()).toBe(true);
  });

  it('writes the user row once when it also rehashes the password', async () => {
    const user = await makeUser(server);
    const stronger = await startTestServer({ bcryptCost: 11 });
    try {
      expect(await countUserRowWrites(user.id, () => logInAs(stronger, user.username))).toBe(1);
    } finally {
      await stronger.close();
    }
  });
});

/** How many times `action` updated the user's row, counted by a trigger on the real table. */
async function countUserRowWrites(userId: number, action: () => Promise<unknown>): Promise<number> {
  const em = server.orm.em.fork();
  const table = `user_writes_${userId}`;
  await em.execute(`create table ${table} (n int)`);
  await em.execute(`create function ${table}_count() returns trigger language plpgsql as $$
    begin insert into ${table} values (1); return null; end; $$`);
  await em.execute(`create trigger ${table} after update on users for each row
    when (new.id = ${userId}) execute function ${table}_count()`);
  try {
    await action();
    const [row] = await em.execute<{ writes: number }[]>(`select count(*)::int as writes from ${table}`);
    return row!.writes;
  } finally {
    await em.execute(`drop trigger ${table} on users`);
    await em.execute(`drop function ${table}_count()`);
    await em.execute(`drop table ${table}`);
  }
}

describe('logins past the password queue', () => {
  it('get 503 with Retry-After at once, count no failure, and leave token requests their speed', async () => {
    const busy = await startTestServer({ bcryptCost: 12, passwordHashWorkers: 1, passwordHashQueueLimit: 1 });
    try {
      const user = await makeUser(busy);
      const token = await logInAs(busy, user.username);
      const attempts = Array.from({ length: 4 }, () =>
        graphql(busy, LOGIN, { variables: { username: user.username, password: 'wrong password' } }),
      );
      const started = Date.now();
      const me = await graphql(busy, '{ me { id } }', { headers: tokenHeader(token) });
      expect(me.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(300);
      const responses = await Promise.all(attempts);
      const refused = responses.filter((response) => response.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const response of refused) {
        expect(errorOf(response).code).toBe('SERVICE_UNAVAILABLE');
        expect(response.headers.get('retry-after')).toBe('5');
      }
      const key = `account:${hash('sha256', user.username.toLowerCase(), 'hex')}`;
      const failures = await busy.orm.em
        .fork()
        .execute<{ failures: number }[]>('select failures from login_throttle where key = ?', [key]);
      expect(failures[0]?.failures).toBe(responses.length - refused.length);
    } finally {
      await busy.close();
    }
  });
});

describe('a wrong password for a hash at an older cost', () => {
  let costly: TestServer;
  let oldCostUser: string;
  beforeAll(async () => {
    // The server hashes at cost 11; this user's hash is still at cost 10, as after raising BCRYPT_COST.
    costly = await startTestServer({ bcryptCost: 11 });
    oldCostUser = (await makeUser(costly)).username;
    const oldHasher = new PasswordHasher(10, 1);
    try {
      const oldHash = await oldHasher.hash(TEST_PASSWORD);
      await costly.orm.em.fork().nativeUpdate(User, { username: oldCostUser }, { passwordHash: oldHash });
    } finally {
      await oldHasher.close();
    }
  });
  afterAll(() => costly.close());

  const wrongLogin = (username: string) =>
    graphql(costly, LOGIN, { variables: { username, password: 'not the password' } });

  /** The bcrypt rounds one failed login costs: 2^cost for each hash compared. */
  async function roundsOf(username: string): Promise<number> {
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    try {
      expect(errorOf(await wrongLogin(username))).toMatchObject({ message: INVALID_CREDENTIALS_MESSAGE });
      return compare.mock.calls.reduce((sum, [, hashed]) => sum + 2 ** Number(hashed.slice(4, 6)), 0);
    } finally {
      compare.mockRestore();
    }
  }

  it('costs exactly the bcrypt work of a check for an unknown user', async () => {
    await costly.services.passwords.warmUp();
    expect(await roundsOf(oldCostUser)).toBe(2 ** 11);
    expect(await roundsOf(uniqueUsername('nobody'))).toBe(2 ** 11);
  });

  it('takes as long as one for an unknown user, measured over HTTP', async () => {
    await wrongLogin(oldCostUser); // computes the padding hash once
    const times = { old: [] as number[], unknown: [] as number[] };
    // Interleaved, so that a busy moment of the machine falls on both sides alike.
    for (let round = 0; round < 5; round += 1) {
      for (const [side, username] of [
        ['old', oldCostUser],
        ['unknown', uniqueUsername('nobody')],
      ] as const) {
        const started = performance.now();
        await wrongLogin(username);
        times[side].push(performance.now() - started);
      }
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // Unpadded, the old hash answers in about half the time (cost 10 against 11).
    expect(median(times.old) / median(times.unknown)).toBeGreaterThan(0.75);
  });
});
