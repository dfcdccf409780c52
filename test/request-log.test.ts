import { randomBytes } from 'node:crypto';
import { captureLog } from './support/capture-log';
import { logInAs, makeUser, startTestServer, TEST_PASSWORD, type TestServer } from './support/test-server';

const SECRET_KEY = 'a test key of at least thirty-two characters, for scoped tokens';

/** A server with every scheme and the token parameter on, logging everything down to debug. */
async function loggingServer() {
  const { log, lines } = captureLog('debug');
  const server = await startTestServer(
    {
      authSchemes: ['token', 'bearer', 'tmptoken', 'basic'],
      allowTokenQueryParam: true,
      logRequests: true,
      secretKey: SECRET_KEY,
      bodyLimitBytes: 2_000,
    },
    { log },
  );
  return { server, lines };
}

interface Exchange {
  status: number;
  /** The response as a client receives it: status line fields, headers and body. */
  text: string;
  requestId: string | null;
  json: () => Record<string, unknown>;
}

async function send(
  server: TestServer,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Exchange> {
  const response = await fetch(`${server.url}${init.path ?? '/graphql'}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body,
  });
  const body = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  return {
    status: response.status,
    text: `${headers}\n\n${body}`,
    requestId: response.headers.get('x-request-id'),
    json: () => JSON.parse(body) as Record<string, unknown>,
  };
}

const graphqlBody = (query: string, variables?: Record<string, unknown>) =>
  JSON.stringify({ query, variables });

describe('the access log', () => {
  it('says who made each request: user id, scheme, token id, and a scoped token’s recipient, under its request id', async () => {
    const { server, lines } = await loggingServer();
    try {
      const user = await makeUser(server);
      const login = await logInAs(server, user.username);
      const minted = await send(server, {
        headers: { authorization: `Token ${login}` },
        body: graphqlBody(
          'mutation { scopedToken(scopes: ["Query.me"], recipient: "nightly export") { token } }',
        ),
      });
      const scoped = (minted.json().data as { scopedToken: { token: string } }).scopedToken.token;
      const withToken = await send(server, {
        headers: { authorization: `Token ${login}` },
        body: graphqlBody('{ me { id } }'),
      });
      const withScoped = await send(server, {
        headers: { authorization: `TmpToken ${scoped}` },
        body: graphqlBody('{ me { id } }'),
      });
      const anonymous = await send(server, { body: graphqlBody('{ __typename }') });

      const completed = (requestId: string | null) =>
        lines.find((line) => line.msg === 'request completed' && line.reqId === requestId);
      expect(completed(withToken.requestId)).toMatchObject({
        level: 30,
        res: { statusCode: 200 },
        responseTime: expect.any(Number) as number,
        caller: { userId: user.id, auth: 'token', tokenId: expect.any(Number) as number },
      });
      expect(completed(withScoped.requestId)).toMatchObject({
        caller: {
          userId: user.id,
          auth: 'tmptoken',
          tokenId: expect.any(Number) as number,
          recipient: 'nightly export',
        },
      });
      expect(completed(anonymous.requestId)).not.toHaveProperty('caller');
      expect(
        lines.find((line) => line.msg === 'incoming request' && line.reqId === anonymous.requestId),
      ).toMatchObject({
        req: { method: 'POST', url: '/graphql' },
      });
    } finally {
      await server.close();
    }
  });
});

describe('the canary sweep', () => {
  it('finds no planted secret in any log line or response, through every way a secret comes in', async () => {
    const { server, lines } = await loggingServer();
    const exchanges: Exchange[] = [];
    const issuing: Exchange[] = [];
    const canaries: string[] = [];
    /** A unique, greppable secret; `shape` makes it fit where it goes. */
    const canary = (shape: (value: string) => string = (value) => value) => {
      const value = `canary${randomBytes(9).toString('hex')}`;
      canaries.push(value);
      return shape(value);
    };
    const exchange = async (init: Parameters<typeof send>[1]) => {
      const result = await send(server, init);
      exchanges.push(result);
      return result;
    };
    try {
      const user = await makeUser(server);
      const staff = await makeUser(server, { isStaff: true });
      const staffLogin = await logInAs(server, staff.username);
      const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

      // Passwords: as variables, inline, of the wrong type, too long, and where an unused variable sits.
      await exchange({ body: graphqlBody(LOGIN, { u: user.username, p: canary() }) });
      await exchange({
        body: graphqlBody(
          `mutation { login(username: "${user.username}", password: "${canary()}") { token } }`,
        ),
      });
      await exchange({ body: graphqlBody(LOGIN, { u: user.username, p: { nested: canary() } }) });
      await exchange({
        body: graphqlBody(LOGIN, {
          u: user.username,
          p: 12345,
          password: canary(),
          token: canary(),
          secret: canary(),
        }),
      });
      await exchange({
        body: graphqlBody(
          `mutation { login(username: "${user.username}", password: ${canary()}) { token } }`,
        ),
      });
      await exchange({
        body: graphqlBody(LOGIN, { u: user.username, p: canary((value) => value.repeat(40)) }),
      });

      // Credentials in the Authorization header, in every scheme and malformed, twice, and in a cookie.
      for (const header of [
        canary((value) => `Token ${value}`),
        canary((value) => `Token tgl_${value.slice(0, 30).padEnd(36, 'A')}`),
        canary((value) => `Bearer ${value}`),
        canary((value) => `TmpToken tgs.${value}.${value}.${value}`),
        canary((value) => `Basic ${Buffer.from(`${user.username}:${value}`).toString('base64')}`),
        canary((value) => `Basic ${value}`),
        canary((value) => `Digest ${value}`),
        canary(),
      ]) {
        await exchange({ headers: { authorization: header }, body: graphqlBody('{ me { id } }') });
      }
      await exchange({
        headers: { authorization: `Token ${canary()}`, Authorization: `Token ${canary()}` },
        body: graphqlBody('{ me { id } }'),
      });
      await exchange({ headers: { cookie: `sessionid=${canary()}` }, body: graphqlBody('{ __typename }') });
      await exchange({ headers: { 'x-api-key': canary() }, body: graphqlBody('{ __typename }') });

      // A token in the URL, where allowed (GET) and where refused (POST).
      const query = encodeURIComponent('{ me { id } }');
      await exchange({ method: 'GET', path: `/graphql?query=${query}&token=${canary()}` });
      await exchange({ path: `/graphql?token=${canary()}`, body: graphqlBody('{ me { id } }') });

      // Broken and oversized bodies that contain a secret.
      await exchange({
        body: `{"query": "mutation { login(username: \\"x\\", password: \\"${canary()}\\") { token } }", `,
      });
      await exchange({ body: `{"query": "{ me { id } }", "variables": {"password": ${canary()}} }` });
      await exchange({
        body: graphqlBody(LOGIN, { u: user.username, p: canary((value) => value.repeat(100)) }),
      });

      // Password changes and a new user: wrong current password, a new password, and a too-short one.
      const login = await logInAs(server, user.username);
      const CHANGE =
        'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
      await exchange({
        headers: { authorization: `Token ${login}` },
        body: graphqlBody(CHANGE, { c: canary(), n: canary() }),
      });
      await exchange({
        headers: { authorization: `Token ${login}` },
        body: graphqlBody(CHANGE, { c: TEST_PASSWORD, n: canary((v) => v.slice(0, 5)) }),
      });
      await exchange({
        headers: { authorization: `Token ${login}` },
        body: graphqlBody(CHANGE, { c: TEST_PASSWORD, n: canary() }),
      });
      await exchange({
        headers: { authorization: `Token ${staffLogin}` },
        body: graphqlBody(
          'mutation($p: String!) { createUser(username: "canary_user", email: "c@example.org", password: $p) { id } }',
          { p: canary() },
        ),
      });

      // Secrets the server issues: each may appear in the response that issues it, and nowhere else.
      const issued = async (
        init: Parameters<typeof send>[1],
        pick: (data: Record<string, { token: string }>) => string,
      ) => {
        const result = await send(server, init);
        issuing.push(result);
        const secret = pick(result.json().data as Record<string, { token: string }>);
        canaries.push(secret);
        return secret;
      };
      const loginToken = await issued(
        { body: graphqlBody(LOGIN, { u: staff.username, p: TEST_PASSWORD }) },
        (data) => data.login!.token,
      );
      const bearer = await issued(
        {
          headers: { authorization: `Token ${loginToken}` },
          body: graphqlBody('mutation { createBearerToken(name: "ci") { token } }'),
        },
        (data) => data.createBearerToken!.token,
      );
      const scoped = await issued(
        {
          headers: { authorization: `Token ${loginToken}` },
          body: graphqlBody('mutation { scopedToken(scopes: ["Query.me"], recipient: "job") { token } }'),
        },
        (data) => data.scopedToken!.token,
      );
      const rotated = await issued(
        {
          headers: { authorization: `Bearer ${bearer}` },
          body: graphqlBody('mutation { rotateToken { token } }'),
        },
        (data) => data.rotateToken!.token,
      );
      await exchange({
        headers: { authorization: `Token ${loginToken}` },
        body: graphqlBody('{ me { id } myTokens { prefix } }'),
      });
      await exchange({ headers: { authorization: `Bearer ${rotated}` }, body: graphqlBody('{ me { id } }') });
      await exchange({ headers: { authorization: `Bearer ${bearer}` }, body: graphqlBody('{ me { id } }') });
      await exchange({
        headers: { authorization: `TmpToken ${scoped}` },
        body: graphqlBody('{ me { id } }'),
      });
      await exchange({ method: 'GET', path: `/graphql?query=${query}&token=${encodeURIComponent(scoped)}` });
      await exchange({
        headers: { authorization: `TmpToken ${scoped}` },
        body: graphqlBody('{ myTokens { id } }'),
      });

      // The sweep can fail: every request was logged, and the issuing responses do hold their secrets.
      expect(lines.filter((line) => line.msg === 'request completed').length).toBeGreaterThanOrEqual(
        exchanges.length,
      );
      expect(issuing.map((result) => result.text).join('\n')).toContain(rotated);
      const leaks = canaries.flatMap((secret) => {
        const needle = secret.slice(0, 24);
        return [
          ...lines
            .filter((line) => JSON.stringify(line).includes(needle))
            .map((line) => ({ secret, log: line })),
          ...exchanges
            .filter((result) => result.text.includes(needle))
            .map(({ text }) => ({ secret, response: text })),
        ];
      });
      expect(leaks).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
