import { withLockedUser } from '../../src/accounts/user-lock';
import { revokeTokens } from '../../src/tokens/api-tokens';
import { ApiToken, TokenKind } from '../../src/entities/api-token.entity';
import { INVALID_TOKEN_MESSAGE } from '../../src/errors';
import {
  bearerHeader,
  CREATE_BEARER_TOKEN,
  createBearerTokenWith,
  DAY_MS,
  errorOf,
  graphql,
  type GraphQLResponse,
  logInAs,
  makeUser,
  startTestServer,
  type TestServer,
  tokenHeader,
  untilWaitingForUserLock,
} from '../support/test-server';
import { captureLog } from '../support/capture-log';

const { log, lines: logLines } = captureLog();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { log });
});
afterAll(() => server.close());

interface Info {
  id: string;
  kind: string;
  name: string;
  prefix: string;
  expiresAt: string;
  isCurrent: boolean;
  createdBy: { id: string; username: string } | null;
}

async function userWithLogin(fields: { isStaff?: boolean; isSuperuser?: boolean } = {}) {
  const user = await makeUser(server, fields);
  return { user, login: await logInAs(server, user.username) };
}

function create(token: string, variables: Record<string, unknown>, header = tokenHeader(token)) {
  return graphql(server, CREATE_BEARER_TOKEN, {
    variables: { name: 'script', ...variables },
    headers: header,
  });
}

function created(response: GraphQLResponse): { token: string; info: Info } {
  const payload = response.body.data?.createBearerToken as { token: string; info: Info } | undefined;
  if (!payload) throw new Error(JSON.stringify(response.body));
  return payload;
}

const MY_TOKENS = '{ myTokens { id kind name prefix isCurrent createdBy { username } } }';

describe('createBearerToken', () => {
  it('returns the secret once and its info; the token works as Bearer', async () => {
    const { user, login } = await userWithLogin();
    const { token, info } = created(await create(login, { name: 'nightly sync' }));
    expect(token).toMatch(/^tgb_[0-9A-Za-z]{36}$/);
    expect(info).toMatchObject({
      kind: 'BEARER',
      name: 'nightly sync',
      prefix: token.slice(0, 12),
      createdBy: null,
    });
    expect(Date.parse(info.expiresAt) - server.clock.now().getTime()).toBe(56 * DAY_MS);
    const me = await graphql(server, '{ me { username } }', { headers: bearerHeader(token) });
    expect(me.body.data?.me).toEqual({ username: user.username });
  });

  it.each([
    ['an empty name', ''],
    ['a blank name', '   '],
    ['a name of 101 characters', 'n'.repeat(101)],
    ['a name of 101 characters, one of them an emoji', `🚀${'n'.repeat(100)}`],
    ['a name with a right-to-left override', 'invoice\u202Etxt.exe'],
    ['a name with a NUL byte', 'nul\u0000byte'],
    ['a name with a line break', 'two\nlines'],
    ['a name with a control character', 'bell\u0007'],
  ])('refuses %s with BAD_USER_INPUT', async (_case, name) => {
    const { login } = await userWithLogin();
    expect(errorOf(await create(login, { name }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The token name must be 1-100 printable characters.',
    });
  });

  it('accepts a name of exactly 100 printable characters, accents and emoji included', async () => {
    const { login } = await userWithLogin();
    const name = `Zoë's laptop 🚀 ${'x'.repeat(85)}`;
    expect([...name]).toHaveLength(100);
    expect(created(await create(login, { name })).info.name).toBe(name);
  });

  it.each([0, -1, 366])(
    'refuses expiresInDays = %i: there are no non-expiring bearer tokens',
    async (days) => {
      const { login } = await userWithLogin();
      expect(errorOf(await create(login, { expiresInDays: days }))).toEqual({
        code: 'BAD_USER_INPUT',
        message: 'expiresInDays must be a whole number of days from 1 to 365; bearer tokens always expire.',
      });
    },
  );

  it('honours a lifetime up to the maximum', async () => {
    const { login } = await userWithLogin();
    const { info } = created(await create(login, { expiresInDays: 365 }));
    expect(Date.parse(info.expiresAt) - server.clock.now().getTime()).toBe(365 * DAY_MS);
  });

  it('lets a bearer token create a token that does not outlive it, and no other', async () => {
    const { login } = await userWithLogin();
    const parent = await createBearerTokenWith(server, login, { expiresInDays: 10 });
    const parentExpiry = server.clock.now().getTime() + 10 * DAY_MS;
    expect(errorOf(await create(parent, { expiresInDays: 11 }, bearerHeader(parent)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('cannot create a token that outlives itself') as string,
    });
    const defaulted = created(await create(parent, {}, bearerHeader(parent)));
    expect(Date.parse(defaulted.info.expiresAt)).toBe(parentExpiry);
    const shorter = created(await create(parent, { expiresInDays: 3 }, bearerHeader(parent)));
    expect(Date.parse(shorter.info.expiresAt) - server.clock.now().getTime()).toBe(3 * DAY_MS);
  });

  it('counts the lifetime from the moment the token is created, however the clock moves meanwhile', async () => {
    const { login } = await userWithLogin();
    server.clock.tickOnEveryRead(1);
    try {
      const { info } = created(await create(login, { expiresInDays: 7 }));
      const stored = await server.orm.em.fork().findOneOrFail(ApiToken, Number(info.id));
      expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(7 * DAY_MS);
    } finally {
      server.clock.tickOnEveryRead(0);
    }
  });

  it('mints nothing with a token revoked while the request waited for the user (logoutAll, changePassword)', async () => {
    const { user, login } = await userWithLogin();
    let pending: Promise<GraphQLResponse> | undefined;
    // What a concurrent logoutAll does: revoke under the user's row lock while the request waits for it.
    await withLockedUser(server.orm.em.fork(), server.services, user.id, async (locked) => {
      pending = create(login, { name: 'too late' });
      await untilWaitingForUserLock(server);
      await revokeTokens(locked);
    });
    expect(errorOf(await pending!)).toEqual({ code: 'UNAUTHENTICATED', message: INVALID_TOKEN_MESSAGE });
    expect(await server.orm.em.fork().count(ApiToken, { user: user.id, kind: TokenKind.BEARER })).toBe(0);
  });

  it('needs an authenticated caller', async () => {
    const response = await graphql(server, CREATE_BEARER_TOKEN, { variables: { name: 'x' } });
    expect(errorOf(response).code).toBe('UNAUTHENTICATED');
  });

  it('stops at the cap of active bearer tokens and tells the user to revoke one', async () => {
    const { login } = await userWithLogin();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(created(await create(login, { name: `t${i}` })).info.id);
    expect(errorOf(await create(login, { name: 'one too many' }))).toEqual({
      code: 'BAD_USER_INPUT',
      message:
        'You already have 10 active bearer tokens, the most allowed; revoke one before creating another.',
    });
    await graphql(server, 'mutation($id: ID!) { revokeToken(id: $id) }', {
      variables: { id: ids[0] },
      headers: tokenHeader(login),
    });
    expect(created(await create(login, { name: 'replacement' })).token).toMatch(/^tgb_/);
  });

  it('never exceeds the cap under 40 concurrent creations', async () => {
    const capped = await startTestServer({ bearerTokensPerUser: 5 });
    try {
      const user = await makeUser(capped);
      const login = await logInAs(capped, user.username);
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          graphql(capped, CREATE_BEARER_TOKEN, { variables: { name: `c${i}` }, headers: tokenHeader(login) }),
        ),
      );
      expect(responses.filter((response) => response.body.data?.createBearerToken)).toHaveLength(5);
      expect(responses.filter((response) => errorOf(response).code === 'BAD_USER_INPUT')).toHaveLength(35);
      const live = await capped.orm.em
        .fork()
        .count(ApiToken, { user: user.id, kind: TokenKind.BEARER, revokedAt: null });
      expect(live).toBe(5);
    } finally {
      await capped.close();
    }
  });

  describe('forUserId', () => {
    it('is refused to staff for a superuser, and allowed to a superuser', async () => {
      const { login: staffLogin } = await userWithLogin({ isStaff: true });
      const { login: superLogin } = await userWithLogin({ isStaff: true, isSuperuser: true });
      const target = await makeUser(server, { isStaff: true, isSuperuser: true });
      expect(errorOf(await create(staffLogin, { forUserId: String(target.id) }))).toEqual({
        code: 'FORBIDDEN',
        message: 'Only a superuser can issue tokens for a superuser.',
      });
      expect(created(await create(superLogin, { forUserId: String(target.id) })).token).toMatch(/^tgb_/);
    });

    it('is refused with FORBIDDEN for non-staff', async () => {
      const { login } = await userWithLogin();
      const other = await makeUser(server);
      expect(errorOf(await create(login, { forUserId: String(other.id) }))).toEqual({
        code: 'FORBIDDEN',
        message: 'You do not have permission to perform this action.',
      });
    });

    it('lets staff issue a token that belongs to the user and records who created it, in listings and the log', async () => {
      const { user: admin, login: adminLogin } = await userWithLogin({ isStaff: true });
      const { user: owner, login: ownerLogin } = await userWithLogin();
      const { token, info } = created(
        await create(adminLogin, { name: 'for the pipeline', forUserId: String(owner.id) }),
      );
      expect(info.createdBy).toEqual({ id: String(admin.id), username: admin.username });
      const me = await graphql(server, '{ me { username } }', { headers: bearerHeader(token) });
      expect(me.body.data?.me).toEqual({ username: owner.username });

      const listed = await graphql(server, MY_TOKENS, { headers: tokenHeader(ownerLogin) });
      expect(listed.body.data?.myTokens).toContainEqual(
        expect.objectContaining({ id: info.id, createdBy: { username: admin.username } }),
      );
      expect(logLines).toContainEqual(
        expect.objectContaining({
          event: 'bearer_token_created',
          tokenId: Number(info.id),
          userId: owner.id,
          createdById: admin.id,
          msg: `${admin.username} issued bearer token ${info.prefix} for ${owner.username}`,
        }),
      );
    });

    it('answers NOT_FOUND for an unknown user', async () => {
      const { login } = await userWithLogin({ isStaff: true });
      for (const forUserId of ['99999999', 'not-a-number']) {
        expect(errorOf(await create(login, { forUserId })).code).toBe('NOT_FOUND');
      }
    });
  });
});

describe('myTokens and tokens(userId)', () => {
  it("lists the caller's live login and bearer tokens without secrets, marking the current one", async () => {
    const { user, login } = await userWithLogin();
    const otherLogin = await logInAs(server, user.username);
    const bearer = await createBearerTokenWith(server, login, { name: 'ci' });
    const revoked = await createBearerTokenWith(server, login, { name: 'gone' });
    await graphql(server, 'mutation { logout }', { headers: bearerHeader(revoked) });

    const response = await graphql(server, MY_TOKENS, { headers: tokenHeader(login) });
    const tokens = response.body.data?.myTokens as {
      kind: string;
      name: string;
      prefix: string;
      isCurrent: boolean;
    }[];
    expect(tokens.map((token) => token.kind).sort()).toEqual(['BEARER', 'LOGIN', 'LOGIN']);
    expect(tokens.filter((token) => token.isCurrent).map((token) => token.prefix)).toEqual([
      login.slice(0, 12),
    ]);
    expect(tokens.find((token) => token.kind === 'BEARER')).toMatchObject({
      name: 'ci',
      prefix: bearer.slice(0, 12),
    });
    const json = JSON.stringify(response.body);
    for (const secret of [login, otherLogin, bearer]) expect(json).not.toContain(secret.slice(12));
  });

  it('leaves out expired tokens', async () => {
    const { login } = await userWithLogin();
    await createBearerTokenWith(server, login, { name: 'short-lived', expiresInDays: 1 });
    await createBearerTokenWith(server, login, { name: 'long-lived', expiresInDays: 5 });
    server.clock.advance(2 * DAY_MS);
    try {
      const response = await graphql(server, MY_TOKENS, { headers: tokenHeader(login) });
      const names = (response.body.data?.myTokens as { name: string }[]).map((token) => token.name);
      expect(names).toContain('long-lived');
      expect(names).not.toContain('short-lived');
    } finally {
      server.clock.advance(-2 * DAY_MS);
    }
  });

  it("lets staff list anyone's tokens, and nobody else", async () => {
    const { login: staffLogin } = await userWithLogin({ isStaff: true });
    const { user, login } = await userWithLogin();
    const query = 'query($id: ID!) { tokens(userId: $id) { kind prefix } }';
    const asStaff = await graphql(server, query, {
      variables: { id: String(user.id) },
      headers: tokenHeader(staffLogin),
    });
    expect(asStaff.body.data?.tokens).toEqual([{ kind: 'LOGIN', prefix: login.slice(0, 12) }]);
    const asUser = await graphql(server, query, {
      variables: { id: String(user.id) },
      headers: tokenHeader(login),
    });
    expect(errorOf(asUser).code).toBe('FORBIDDEN');
  });
});

describe('revokeToken and logoutAll', () => {
  const REVOKE = 'mutation($id: ID!) { revokeToken(id: $id) }';

  it("revokes one of the caller's tokens; it fails on the very next request", async () => {
    const { login } = await userWithLogin();
    const { token, info } = created(await create(login, { name: 'leaked' }));
    expect(
      (await graphql(server, REVOKE, { variables: { id: info.id }, headers: tokenHeader(login) })).body.data,
    ).toEqual({
      revokeToken: true,
    });
    expect((await graphql(server, '{ me { id } }', { headers: bearerHeader(token) })).status).toBe(401);
  });

  it("answers another user's token id exactly as an unknown one: NOT_FOUND", async () => {
    const { login } = await userWithLogin();
    const { login: otherLogin } = await userWithLogin();
    const { info } = created(await create(otherLogin, {}));
    const answers = await Promise.all(
      [info.id, '99999999', 'abc'].map(
        async (id) =>
          (await graphql(server, REVOKE, { variables: { id }, headers: tokenHeader(login) })).body,
      ),
    );
    for (const answer of answers) {
      expect(answer.errors?.[0]).toMatchObject({
        message: 'No live token of yours has this id.',
        extensions: { code: 'NOT_FOUND' },
      });
    }
    expect((await graphql(server, '{ me { id } }', { headers: tokenHeader(otherLogin) })).status).toBe(200);
  });

  it("does not let staff see or revoke a superuser's tokens", async () => {
    const { login: staffLogin } = await userWithLogin({ isStaff: true });
    const { user: superuser, login: superLogin } = await userWithLogin({ isStaff: true, isSuperuser: true });
    const { info } = created(await create(superLogin, {}));
    const revoke = await graphql(server, REVOKE, {
      variables: { id: info.id },
      headers: tokenHeader(staffLogin),
    });
    expect(errorOf(revoke).code).toBe('NOT_FOUND');
    const list = await graphql(server, 'query($id: ID!) { tokens(userId: $id) { id } }', {
      variables: { id: String(superuser.id) },
      headers: tokenHeader(staffLogin),
    });
    expect(errorOf(list).code).toBe('FORBIDDEN');
    expect((await graphql(server, '{ me { id } }', { headers: tokenHeader(superLogin) })).status).toBe(200);
  });

  it("lets staff revoke anyone's token", async () => {
    const { login: staffLogin } = await userWithLogin({ isStaff: true });
    const { login } = await userWithLogin();
    const { token, info } = created(await create(login, {}));
    expect(
      (await graphql(server, REVOKE, { variables: { id: info.id }, headers: tokenHeader(staffLogin) })).body
        .data,
    ).toEqual({
      revokeToken: true,
    });
    expect((await graphql(server, '{ me { id } }', { headers: bearerHeader(token) })).status).toBe(401);
  });

  it('logoutAll revokes every token of the caller and returns how many', async () => {
    const { user, login } = await userWithLogin();
    const second = await logInAs(server, user.username);
    const bearer = await createBearerTokenWith(server, login);
    const response = await graphql(server, 'mutation { logoutAll }', { headers: tokenHeader(login) });
    expect(response.body.data).toEqual({ logoutAll: 3 });
    for (const header of [tokenHeader(login), tokenHeader(second), bearerHeader(bearer)]) {
      expect((await graphql(server, '{ me { id } }', { headers: header })).status).toBe(401);
    }
  });
});

describe('rotateToken with a bearer token', () => {
  it('replaces the secret but keeps the name and the expiry date', async () => {
    const { login } = await userWithLogin();
    const { token, info } = created(await create(login, { name: 'rotating', expiresInDays: 7 }));
    server.clock.advance(DAY_MS);
    try {
      const response = await graphql(server, 'mutation { rotateToken { token expiresAt } }', {
        headers: bearerHeader(token),
      });
      const rotated = response.body.data?.rotateToken as { token: string; expiresAt: string };
      expect(rotated.token).toMatch(/^tgb_/);
      expect(rotated.expiresAt).toBe(info.expiresAt);
      expect((await graphql(server, '{ me { id } }', { headers: bearerHeader(token) })).status).toBe(401);
      expect((await graphql(server, '{ me { id } }', { headers: bearerHeader(rotated.token) })).status).toBe(
        200,
      );
    } finally {
      server.clock.advance(-DAY_MS);
    }
  });
});

describe('tokenPolicy', () => {
  it("tells a signed-in user the server's token limits and the scopes a scoped token may have", async () => {
    const policyServer = await startTestServer({ bearerTokenMaxDays: 90, bearerTokenDefaultDays: 30 });
    const scopeless = await startTestServer({ authSchemes: ['token'] });
    try {
      const QUERY =
        '{ tokenPolicy { bearerTokenDefaultDays bearerTokenMaxDays bearerTokensPerUser scopedTokens { maxAgeSeconds scopes } } }';
      const user = await makeUser(policyServer);
      const response = await graphql(policyServer, QUERY, {
        headers: tokenHeader(await logInAs(policyServer, user.username)),
      });
      const policy = (response.body.data as { tokenPolicy: Record<string, unknown> }).tokenPolicy;
      expect(policy).toMatchObject({
        bearerTokenDefaultDays: 30,
        bearerTokenMaxDays: 90,
        bearerTokensPerUser: 10,
        scopedTokens: { maxAgeSeconds: 86_400 },
      });
      const scopes = (policy.scopedTokens as { scopes: string[] }).scopes;
      expect(scopes).toEqual(expect.arrayContaining(['Query.me', 'Query.tracks', 'Mutation.createTrack']));
      // What can never be granted is not offered either.
      expect(scopes).not.toEqual(expect.arrayContaining(['Mutation.createBearerToken']));
      expect(scopes).not.toContain('Query.myTokens');

      const off = await graphql(scopeless, QUERY, {
        headers: tokenHeader(await logInAs(scopeless, user.username)),
      });
      expect(
        (off.body.data as { tokenPolicy: { scopedTokens: unknown } }).tokenPolicy.scopedTokens,
      ).toBeNull();
      expect((await graphql(policyServer, QUERY)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await Promise.all([policyServer.close(), scopeless.close()]);
    }
  });
});
