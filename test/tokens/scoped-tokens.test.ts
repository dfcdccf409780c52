import { ApiToken, TokenKind } from '../../src/entities/api-token.entity';
import { captureLog } from '../support/capture-log';
import {
  bearerHeader,
  createBearerTokenWith,
  DAY_MS,
  errorOf,
  graphql,
  type GraphQLResponse,
  logInAs,
  makeUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  tokenHeader,
} from '../support/test-server';

const SECRET_KEY = 'scoped token tests: a key of more than thirty-two characters';
const { log, lines } = captureLog();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ secretKey: SECRET_KEY, logRequests: true }, { log });
});
afterAll(() => server.close());

const MINT = `mutation($scopes: [String!]!, $maxAgeSeconds: Int, $recipient: String) {
  scopedToken(scopes: $scopes, maxAgeSeconds: $maxAgeSeconds, recipient: $recipient) {
    token expiresAt scopes recipient info { id kind prefix scopes recipient expiresAt }
  }
}`;

interface Minted {
  token: string;
  expiresAt: string;
  scopes: string[];
  recipient: string | null;
  info: {
    id: string;
    kind: string;
    prefix: string;
    scopes: string[];
    recipient: string | null;
    expiresAt: string;
  };
}

async function signedIn(target = server) {
  const user = await makeUser(target);
  return { user, login: await logInAs(target, user.username) };
}

function mint(
  login: string,
  variables: Record<string, unknown>,
  target = server,
  headers = tokenHeader(login),
) {
  return graphql(target, MINT, { variables, headers });
}

async function minted(response: GraphQLResponse): Promise<Minted> {
  const result = response.body.data?.scopedToken as Minted | null;
  if (!result) throw new Error(`scopedToken failed: ${JSON.stringify(response.body)}`);
  return Promise.resolve(result);
}

const tmp = (token: string) => ({ authorization: `TmpToken ${token}` });

async function scopedTokenCount(userId: number) {
  return server.orm.em.fork().count(ApiToken, { user: userId, kind: TokenKind.SCOPED });
}

describe('scopedToken', () => {
  it('mints a token for the given root fields, an hour by default, listed as SCOPED with its scopes and recipient', async () => {
    const { login } = await signedIn();
    const result = await minted(
      await mint(login, { scopes: ['Query.me', ' Query.tracks', 'Query.me'], recipient: 'CI job #42' }),
    );
    expect(result.token).toMatch(/^tgs\./);
    expect(result.scopes).toEqual(['Query.me', 'Query.tracks']);
    expect(Date.parse(result.expiresAt) - server.clock.now().getTime()).toBeLessThanOrEqual(3600_000);
    expect(Date.parse(result.expiresAt) - server.clock.now().getTime()).toBeGreaterThan(3598_000);
    expect(result.info).toMatchObject({
      kind: 'SCOPED',
      scopes: ['Query.me', 'Query.tracks'],
      recipient: 'CI job #42',
    });
    expect(result.token.endsWith(result.info.prefix.slice(-8))).toBe(true);
    const listed = await graphql(server, '{ myTokens { id kind scopes recipient } }', {
      headers: tokenHeader(login),
    });
    expect(listed.body.data?.myTokens).toContainEqual({
      id: result.info.id,
      kind: 'SCOPED',
      scopes: ['Query.me', 'Query.tracks'],
      recipient: 'CI job #42',
    });
    const payload = Buffer.from(result.token.split('.')[2]!, 'base64url').toString();
    expect(payload).not.toContain('CI job');
  });

  it('works with a bearer token too, but never with a scoped token', async () => {
    const { login } = await signedIn();
    const bearer = await createBearerTokenWith(server, login);
    const scoped = await minted(await mint(login, { scopes: ['Query.me'] }, server, bearerHeader(bearer)));
    const again = await mint(login, { scopes: ['Query.me'] }, server, tmp(scoped.token));
    expect(again.status).toBe(403);
    expect(errorOf(again).code).toBe('FORBIDDEN');
    const bearerFromScoped = await graphql(server, 'mutation { createBearerToken(name: "x") { token } }', {
      headers: tmp(scoped.token),
    });
    expect(bearerFromScoped.status).toBe(403);
  });

  it.each([
    ['a bare field name', ['me']],
    ['a nested coordinate', ['Query.me.id']],
    ['an unknown type', ['Nope.me']],
    ['an unknown field', ['Query.nope']],
    ['introspection', ['Query.__schema']],
    ['no scope at all', []],
    ['login', ['Mutation.login']],
    ['rotateToken', ['Mutation.rotateToken']],
    ['logout', ['Mutation.logout']],
    ['logoutAll', ['Mutation.logoutAll']],
    ['createBearerToken', ['Mutation.createBearerToken']],
    ['revokeToken', ['Mutation.revokeToken']],
    ['scopedToken', ['Mutation.scopedToken']],
    ['changePassword', ['Mutation.changePassword']],
    ['user administration', ['Mutation.createUser', 'Mutation.setUserActive', 'Query.users']],
    ['token listings', ['Query.myTokens', 'Query.tokens']],
  ])('refuses %s with BAD_USER_INPUT and issues nothing', async (_case, scopes) => {
    const { user, login } = await signedIn();
    const response = await mint(login, { scopes });
    expect(errorOf(response).code).toBe('BAD_USER_INPUT');
    expect(await scopedTokenCount(user.id)).toBe(0);
  });

  it.each([0, -1, 86_401])('refuses maxAgeSeconds %i: no silent clamp', async (maxAgeSeconds) => {
    const { user, login } = await signedIn();
    expect(errorOf(await mint(login, { scopes: ['Query.me'], maxAgeSeconds }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'maxAgeSeconds must be a whole number from 1 to 86400; scoped tokens always expire.',
    });
    expect(await scopedTokenCount(user.id)).toBe(0);
  });

  it('never outlives the bearer token that minted it', async () => {
    const { login } = await signedIn();
    const bearer = await createBearerTokenWith(server, login, { expiresInDays: 1 });
    const bearerExpiry = server.clock.now().getTime() + DAY_MS;
    server.clock.advance(DAY_MS - 30 * 60_000);
    try {
      const ended = await minted(await mint(login, { scopes: ['Query.me'] }, server, bearerHeader(bearer)));
      expect(Date.parse(ended.expiresAt)).toBeLessThanOrEqual(bearerExpiry);
      const refused = await mint(
        login,
        { scopes: ['Query.me'], maxAgeSeconds: 3600 },
        server,
        bearerHeader(bearer),
      );
      expect(errorOf(refused).message).toContain('cannot create a token that outlives itself');
    } finally {
      server.clock.advance(-(DAY_MS - 30 * 60_000));
    }
  });

  it.each([
    ['201 characters', 'x'.repeat(201)],
    ['a line break', 'someone\r\nX-Injected: yes'],
    ['a control character', 'tab\there'],
  ])('refuses a recipient with %s', async (_case, recipient) => {
    const { login } = await signedIn();
    expect(errorOf(await mint(login, { scopes: ['Query.me'], recipient }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The recipient must be at most 200 printable characters.',
    });
  });
});

describe('a request with a scoped token', () => {
  let user: { id: number; username: string };
  let login: string;
  beforeAll(async () => {
    ({ user, login } = await signedIn());
  });

  async function scoped(scopes: string[], recipient?: string) {
    return (await minted(await mint(login, { scopes, recipient }))).token;
  }

  it('runs the fields its scopes name, as the user, and logs the recipient with each request', async () => {
    const token = await scoped(['Query.me'], 'nightly "backup"\\job');
    const response = await graphql(server, '{ me { username } __typename }', { headers: tmp(token) });
    expect(response.body).toEqual({ data: { me: { username: user.username }, __typename: 'Query' } });
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: 'scoped_token_request',
        userId: user.id,
        recipient: 'nightly "backup"\\job',
      }),
    );
  });

  it.each([
    ['a field outside its scopes', '{ me { id } tracks { edges { cursor } } }'],
    ['an alias', '{ me { id } mine: tracks { edges { cursor } } }'],
    ['a named fragment', '{ ...F } fragment F on Query { tracks { edges { cursor } } }'],
    ['an inline fragment', '{ ... on Query { tracks { edges { cursor } } } }'],
    ['introspection', '{ __schema { queryType { name } } }'],
    ['a mutation', 'mutation { createTrack(input: { title: "t", artist: "a", durationSeconds: 1 }) { id } }'],
  ])('refuses %s before anything runs: 403, insufficient_scope, no data', async (_case, query) => {
    const token = await scoped(['Query.me']);
    const response = await graphql(server, query, { headers: tmp(token) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      'TmpToken realm="tokengate", error="insufficient_scope"',
    );
    expect(response.body.data).toBeUndefined();
    expect(errorOf(response).code).toBe('FORBIDDEN');
  });

  it('checks the operation that operationName selects, and what @skip/@include leave', async () => {
    const token = await scoped(['Query.me']);
    const document = 'query Mine { me { id } } query All { tracks { edges { cursor } } }';
    const run = (operationName: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...tmp(token) },
        body: JSON.stringify({ query: document, operationName }),
      });
    expect((await run('Mine')).status).toBe(200);
    expect((await run('All')).status).toBe(403);
    const skipped = await graphql(
      server,
      'query($all: Boolean!) { me { id } tracks @include(if: $all) { edges { cursor } } }',
      {
        headers: tmp(token),
        variables: { all: false },
      },
    );
    expect(skipped.status).toBe(200);
  });

  it('lets Query.* read every grantable query but no mutation, and changes nothing when refused', async () => {
    const token = await scoped(['Query.*']);
    expect(
      (await graphql(server, '{ me { id } tracks(first: 1) { edges { cursor } } }', { headers: tmp(token) }))
        .status,
    ).toBe(200);
    const title = `never-${Date.now()}`;
    const refused = await graphql(
      server,
      `mutation { createTrack(input: { title: "${title}", artist: "a", durationSeconds: 1 }) { id } }`,
      {
        headers: tmp(token),
      },
    );
    expect(refused.status).toBe(403);
    expect(await server.orm.em.fork().execute('select 1 from tracks where title = ?', [title])).toEqual([]);
  });

  it('only narrows: the field permissions still apply to what it may run', async () => {
    const other = await signedIn();
    const created = await graphql(
      server,
      'mutation { createTrack(input: { title: "theirs", artist: "a", durationSeconds: 1 }) { id } }',
      {
        headers: tokenHeader(other.login),
      },
    );
    const id = (created.body.data?.createTrack as { id: string }).id;
    const token = await scoped(['Mutation.updateTrack']);
    const response = await graphql(
      server,
      `mutation { updateTrack(id: "${id}", input: { title: "mine" }) { id } }`,
      {
        headers: tmp(token),
      },
    );
    expect(response.status).toBe(200);
    expect(errorOf(response).code).toBe('FORBIDDEN');
  });

  it('expires: refused a moment after its lifetime, by the server clock, before any database work', async () => {
    const token = (await minted(await mint(login, { scopes: ['Query.me'], maxAgeSeconds: 120 }))).token;
    server.clock.advance(119_000);
    expect((await graphql(server, '{ me { id } }', { headers: tmp(token) })).status).toBe(200);
    server.clock.advance(2_000);
    try {
      expect((await graphql(server, '{ me { id } }', { headers: tmp(token) })).status).toBe(401);
    } finally {
      server.clock.advance(-121_000);
    }
  });

  it('is refused after revokeToken(id), and after logoutAll, changePassword or deactivation end the sessions', async () => {
    const me = async (token: string) =>
      (await graphql(server, '{ me { id } }', { headers: tmp(token) })).status;
    const byId = await minted(await mint(login, { scopes: ['Query.me'] }));
    await graphql(server, `mutation { revokeToken(id: "${byId.info.id}") }`, { headers: tokenHeader(login) });
    expect(await me(byId.token)).toBe(401);

    for (const endSessions of [
      async (session: string) => graphql(server, 'mutation { logoutAll }', { headers: tokenHeader(session) }),
      async (session: string) =>
        graphql(
          server,
          'mutation { changePassword(currentPassword: $c, newPassword: $n) }'
            .replace('$c', JSON.stringify(TEST_PASSWORD))
            .replace('$n', JSON.stringify(TEST_PASSWORD)),
          {
            headers: tokenHeader(session),
          },
        ),
    ]) {
      const fresh = await signedIn();
      const token = (await minted(await mint(fresh.login, { scopes: ['Query.me'] }))).token;
      expect(await me(token)).toBe(200);
      await endSessions(fresh.login);
      expect(await me(token)).toBe(401);
    }
  });

  it("is refused once its user's auth epoch moves, even with its row untouched", async () => {
    const uncached = await startTestServer({ secretKey: SECRET_KEY, authCacheTtlMs: 0 });
    try {
      const fresh = await signedIn(uncached);
      const token = (await minted(await mint(fresh.login, { scopes: ['Query.me'] }, uncached))).token;
      expect((await graphql(uncached, '{ me { id } }', { headers: tmp(token) })).status).toBe(200);
      await uncached.orm.em
        .fork()
        .execute('update users set auth_epoch = auth_epoch + 1 where id = ?', [fresh.user.id]);
      expect((await graphql(uncached, '{ me { id } }', { headers: tmp(token) })).status).toBe(401);
    } finally {
      await uncached.close();
    }
  });

  it('verifies with a fallback key after rotation, and not once the key is removed', async () => {
    const token = await scoped(['Query.me']);
    const NEW_KEY = 'the rotated secret key, also longer than thirty-two characters';
    const rotated = await startTestServer({ secretKey: NEW_KEY, secretKeyFallbacks: [SECRET_KEY] });
    const removed = await startTestServer({ secretKey: NEW_KEY });
    try {
      expect((await graphql(rotated, '{ me { id } }', { headers: tmp(token) })).status).toBe(200);
      expect((await graphql(removed, '{ me { id } }', { headers: tmp(token) })).status).toBe(401);
    } finally {
      await rotated.close();
      await removed.close();
    }
  });

  it('answers a tampered token with 401, never a 500', async () => {
    const token = await scoped(['Query.me']);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [
      `${token.slice(0, -1)}${last}`,
      token.replace('tgs.', 'tgs_'),
      `${token}.x`,
      'tgs.',
      token.toUpperCase(),
    ]) {
      const response = await graphql(server, '{ me { id } }', { headers: tmp(bad) });
      expect(response.status).toBe(401);
      expect(errorOf(response).code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('the token query parameter', () => {
  const get = (target: TestServer, query: string, token: string, headers: Record<string, string> = {}) =>
    fetch(`${target.url}/graphql?query=${encodeURIComponent(query)}&token=${encodeURIComponent(token)}`, {
      headers: { 'apollo-require-preflight': 'true', ...headers },
    });

  it('is refused with 400 while ALLOW_TOKEN_QUERY_PARAM is off', async () => {
    const { login } = await signedIn();
    const token = (await minted(await mint(login, { scopes: ['Query.me'] }))).token;
    const response = await get(server, '{ me { id } }', token);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message:
            'The token query parameter is not accepted here; send the token in the Authorization header.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  describe('when allowed', () => {
    const { log: paramLog, lines: paramLines } = captureLog();
    let allowing: TestServer;
    beforeAll(async () => {
      allowing = await startTestServer(
        { secretKey: SECRET_KEY, allowTokenQueryParam: true, logRequests: true },
        { log: paramLog },
      );
    });
    afterAll(() => allowing.close());

    it('authenticates a GET query with a scoped token, with no-store and no-referrer, and keeps it out of the log', async () => {
      const { user, login } = await signedIn(allowing);
      const token = (await minted(await mint(login, { scopes: ['Query.me'] }, allowing))).token;
      const response = await get(allowing, '{ me { username } }', token);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { me: { username: user.username } } });
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(paramLines.length).toBeGreaterThan(0);
      expect(JSON.stringify(paramLines)).not.toContain(token.split('.')[3]!);
    });

    it('refuses it on POST, beside an Authorization header, and for a token that is not scoped', async () => {
      const { login } = await signedIn(allowing);
      const token = (await minted(await mint(login, { scopes: ['Query.me'] }, allowing))).token;
      const post = await fetch(`${allowing.url}/graphql?token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(post.status).toBe(400);
      expect((await get(allowing, '{ me { id } }', token, tokenHeader(login))).status).toBe(400);
      expect((await get(allowing, '{ me { id } }', login)).status).toBe(401);
    });
  });
});
