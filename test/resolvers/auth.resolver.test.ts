import { ApiToken } from '../../src/entities/api-token.entity';
import {
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  type TestServer,
  tokenHeader,
} from '../support/test-server';
import { captureLog } from '../support/capture-log';
import { until } from '../support/until';

const { log, lines } = captureLog();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { log });
});
afterAll(() => server.close());

const ROTATE = 'mutation { rotateToken { token expiresAt user { username } } }';
const ME = '{ me { username } }';

async function liveTokenCount(userId: number): Promise<number> {
  return server.orm.em.fork().count(ApiToken, { user: userId, revokedAt: null });
}

describe('rotateToken', () => {
  it('replaces the token: the old one fails on the very next request, the new one works', async () => {
    const user = await makeUser(server);
    const old = await logInAs(server, user.username);
    const response = await graphql(server, ROTATE, { headers: tokenHeader(old) });
    const rotated = response.body.data?.rotateToken as { token: string; user: { username: string } };
    expect(rotated.user.username).toBe(user.username);
    expect(rotated.token).not.toBe(old);
    expect((await graphql(server, ME, { headers: tokenHeader(old) })).status).toBe(401);
    expect((await graphql(server, ME, { headers: tokenHeader(rotated.token) })).body.data?.me).toEqual({
      username: user.username,
    });
  });

  it('keeps the other tokens of the user', async () => {
    const user = await makeUser(server);
    const kept = await logInAs(server, user.username);
    const rotated = await logInAs(server, user.username);
    await graphql(server, ROTATE, { headers: tokenHeader(rotated) });
    expect((await graphql(server, ME, { headers: tokenHeader(kept) })).status).toBe(200);
    expect(await liveTokenCount(user.id)).toBe(2);
  });

  it('leaves exactly one valid token after 50 concurrent rotations with the same token', async () => {
    const user = await makeUser(server);
    const old = await logInAs(server, user.username);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => graphql(server, ROTATE, { headers: tokenHeader(old) })),
    );
    const succeeded = responses.filter((response) => response.body.data?.rotateToken);
    expect(succeeded).toHaveLength(1);
    for (const response of responses) {
      if (response.body.data?.rotateToken) continue;
      expect([200, 401]).toContain(response.status);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await liveTokenCount(user.id)).toBe(1);
    const winner = (succeeded[0]!.body.data!.rotateToken as { token: string }).token;
    expect((await graphql(server, ME, { headers: tokenHeader(winner) })).status).toBe(200);
  });

  it('needs a token: anonymous callers get UNAUTHENTICATED', async () => {
    const response = await graphql(server, ROTATE);
    expect(response.body.data).toEqual({ rotateToken: null });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('logout', () => {
  it('revokes the token used for the request, and only that one', async () => {
    const user = await makeUser(server);
    const other = await logInAs(server, user.username);
    const token = await logInAs(server, user.username);
    const response = await graphql(server, 'mutation { logout }', { headers: tokenHeader(token) });
    expect(response.body.data).toEqual({ logout: true });
    expect((await graphql(server, ME, { headers: tokenHeader(token) })).status).toBe(401);
    expect((await graphql(server, ME, { headers: tokenHeader(other) })).status).toBe(200);
  });
});

describe('lastUsedAt', () => {
  async function lastUsedAt(userId: number): Promise<number | null> {
    const token = await server.orm.em.fork().findOneOrFail(ApiToken, { user: userId });
    return token.lastUsedAt?.getTime() ?? null;
  }

  it('is written on use, at most once a minute', async () => {
    const user = await makeUser(server);
    const token = await logInAs(server, user.username);
    expect(await lastUsedAt(user.id)).toBeNull();
    // The write is fire-and-forget, off the request's critical path: wait for it to land.
    await graphql(server, ME, { headers: tokenHeader(token) });
    const first = server.clock.now().getTime();
    await until(async () => (await lastUsedAt(user.id)) === first);

    server.clock.advance(30_000);
    await graphql(server, ME, { headers: tokenHeader(token) });
    // Proving that nothing is written takes waiting: longer than the write above took to land.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await lastUsedAt(user.id)).toBe(first);

    server.clock.advance(31_000);
    await graphql(server, ME, { headers: tokenHeader(token) });
    await until(async () => (await lastUsedAt(user.id)) === server.clock.now().getTime());
  });
});

describe('the audit trail', () => {
  it('records login, rotation, logout and logout everywhere, with who did it', async () => {
    const user = await makeUser(server);
    const first = await logInAs(server, user.username);
    const rotated = (await graphql(server, ROTATE, { headers: tokenHeader(first) })).body.data
      ?.rotateToken as {
      token: string;
    };
    await graphql(server, 'mutation { logout }', { headers: tokenHeader(rotated.token) });
    const second = await logInAs(server, user.username);
    await graphql(server, 'mutation { logoutAll }', { headers: tokenHeader(second) });

    const events = lines.filter(
      (line) => line.audit === true && line.userId === user.id && line.event !== 'user_created',
    );
    expect(events.map((line) => line.event)).toEqual([
      'login',
      'token_rotated',
      'token_revoked',
      'login',
      'tokens_revoked',
    ]);
    for (const event of events) expect(event).toMatchObject({ byUserId: user.id, level: 30 });
    expect(JSON.stringify(events)).not.toContain(first.slice(4, 20));
  });
});
