import http from 'node:http';
import net from 'node:net';
import { AUTH_CHANNEL } from '../src/authentication/auth-cache';
import { generateToken } from '../src/tokens/token-format';
import { ApiToken, TokenKind } from '../src/entities/api-token.entity';
import type { RandomTokenKind } from '../src/tokens/token-format';
import { User } from '../src/entities/user.entity';
import { INVALID_TOKEN_MESSAGE } from '../src/errors';
import {
  createBearerTokenWith,
  DAY_MS,
  graphql,
  type GraphQLResponse,
  logInAs,
  makeUser,
  refusedWithin,
  startTestServer,
  type TestServer,
  tokenHeader,
} from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ME = '{ me { username } }';
const CHALLENGE = 'Token realm="tokengate", Bearer realm="tokengate", TmpToken realm="tokengate"';

function me(headers: Record<string, string>) {
  return graphql(server, ME, { headers });
}

function expectRefused(response: GraphQLResponse, challenge: string) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(challenge);
  expect(response.body.errors).toEqual([
    { message: expect.any(String) as string, extensions: { code: 'UNAUTHENTICATED' } },
  ]);
  expect(response.body.data).toBeUndefined();
}

interface SchemeCase {
  keyword: string;
  prefix: string;
  kind: RandomTokenKind;
  /** A fresh token of this scheme for the user. */
  issue: (username: string) => Promise<string>;
  lifetimeDays: number;
  /** The challenge when a credential of this scheme was refused. */
  refusedChallenge: string;
  other: { keyword: string; issue: (username: string) => Promise<string>; description: string };
}

const loginToken = (username: string) => logInAs(server, username);
const bearerToken = async (username: string) =>
  createBearerTokenWith(server, await logInAs(server, username));

const SCHEMES: SchemeCase[] = [
  {
    keyword: 'Token',
    prefix: 'tgl',
    kind: TokenKind.LOGIN,
    issue: loginToken,
    lifetimeDays: 30,
    refusedChallenge:
      'Token realm="tokengate", error="invalid_token", Bearer realm="tokengate", TmpToken realm="tokengate"',
    other: { keyword: 'Bearer', issue: bearerToken, description: 'a personal bearer token' },
  },
  {
    keyword: 'Bearer',
    prefix: 'tgb',
    kind: TokenKind.BEARER,
    issue: bearerToken,
    lifetimeDays: 56,
    refusedChallenge:
      'Token realm="tokengate", Bearer realm="tokengate", error="invalid_token", TmpToken realm="tokengate"',
    other: { keyword: 'Token', issue: loginToken, description: 'a login token' },
  },
];

describe('an anonymous request', () => {
  it('has no Authorization header: me is null with UNAUTHENTICATED', async () => {
    const response = await me({});
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ me: null });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('may send an empty Authorization header (Apollo Client does when it has no token)', async () => {
    const response = await me({ authorization: '' });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ me: null });
  });
});

describe.each(SCHEMES)('the $keyword scheme', (scheme) => {
  let username: string;
  let token: string;
  beforeAll(async () => {
    username = (await makeUser(server)).username;
    token = await scheme.issue(username);
  });

  it('authenticates a valid token', async () => {
    expect(token.startsWith(`${scheme.prefix}_`)).toBe(true);
    const response = await me({ authorization: `${scheme.keyword} ${token}` });
    expect(response.status).toBe(200);
    expect(response.body.data?.me).toEqual({ username });
  });

  it('matches the keyword in any letter case', async () => {
    for (const keyword of [scheme.keyword.toLowerCase(), scheme.keyword.toUpperCase()]) {
      expect((await me({ authorization: `${keyword} ${token}` })).body.data?.me).toEqual({ username });
    }
  });

  const malformed: [string, (token: string) => string][] = [
    ['no credentials', () => ''],
    ['only spaces after the keyword', () => '    '],
    ['a key that contains spaces', (t) => `${t.slice(0, 10)} ${t.slice(10)}`],
    ['a key followed by a second word', (t) => `${t} extra`],
    ['a key with invalid characters', (t) => `${t.slice(0, -1)}é`],
    [
      'a key whose checksum does not match',
      (t) => `${t.slice(0, 10)}${t[10] === 'a' ? 'b' : 'a'}${t.slice(11)}`,
    ],
    ['a well-formed key that was never issued', () => generateToken(scheme.kind).plaintext],
    ['a DRF-style 40-character hex key', () => '9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b'],
  ];
  it.each(malformed)('refuses %s with 401, the one message and a challenge', async (_name, credentials) => {
    const response = await me({ authorization: `${scheme.keyword} ${credentials(token)}`.trimEnd() });
    expectRefused(response, scheme.refusedChallenge);
    expect(response.body.errors?.[0]?.message).toBe(INVALID_TOKEN_MESSAGE);
  });

  it('refuses a token of the other kind with a message naming the right keyword', async () => {
    const other = await scheme.other.issue(username);
    const response = await me({ authorization: `${scheme.keyword} ${other}` });
    expectRefused(response, scheme.refusedChallenge);
    expect(response.body.errors?.[0]?.message).toBe(
      `This is ${scheme.other.description}; send it as "Authorization: ${scheme.other.keyword} <token>".`,
    );
  });

  it('accepts a token a minute before it expires and refuses it a minute after', async () => {
    const fresh = await scheme.issue(username);
    const header = { authorization: `${scheme.keyword} ${fresh}` };
    const lifetime = scheme.lifetimeDays * DAY_MS;
    server.clock.advance(lifetime - 60_000);
    try {
      expect((await me(header)).status).toBe(200);
      server.clock.advance(120_000);
      expectRefused(await me(header), scheme.refusedChallenge);
    } finally {
      server.clock.advance(-(lifetime + 60_000));
    }
  });

  it('refuses an expired token, and accepts it again while it is not', async () => {
    const fresh = await scheme.issue(username);
    server.clock.advance(400 * DAY_MS);
    try {
      expectRefused(await me({ authorization: `${scheme.keyword} ${fresh}` }), scheme.refusedChallenge);
    } finally {
      server.clock.advance(-400 * DAY_MS);
    }
    expect((await me({ authorization: `${scheme.keyword} ${fresh}` })).status).toBe(200);
  });

  it('refuses a token revoked through the API on the very next request', async () => {
    const user = await makeUser(server);
    const revoked = await scheme.issue(user.username);
    const header = { authorization: `${scheme.keyword} ${revoked}` };
    expect((await me(header)).status).toBe(200);
    expect((await graphql(server, 'mutation { logout }', { headers: header })).body.data).toEqual({
      logout: true,
    });
    expectRefused(await me(header), scheme.refusedChallenge);
  });

  it('refuses the token of a user deactivated through the API on the very next request', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const user = await makeUser(server);
    const own = await scheme.issue(user.username);
    const header = { authorization: `${scheme.keyword} ${own}` };
    expect((await me(header)).status).toBe(200);
    const deactivated = await graphql(
      server,
      'mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }',
      {
        variables: { id: String(user.id) },
        headers: tokenHeader(await logInAs(server, staff.username)),
      },
    );
    expect(deactivated.body.errors).toBeUndefined();
    expectRefused(await me(header), scheme.refusedChallenge);
  });

  it('refuses a token revoked or a user deactivated outside this process (SQL, CLI) within a second', async () => {
    // A server listening for the database triggers' NOTIFY, as every real one does.
    const listening = await startTestServer({}, { authChannel: AUTH_CHANNEL });
    try {
      const ask = (token: string) => ({ authorization: `${scheme.keyword} ${token}` });
      const user = await makeUser(server);
      const revoked = await scheme.issue(user.username);
      expect((await graphql(listening, ME, { headers: ask(revoked) })).status).toBe(200);
      await server.orm.em.fork().nativeUpdate(ApiToken, { user: user.id }, { revokedAt: new Date() });
      expectRefused(await refusedWithin(listening, 1000, ask(revoked)), scheme.refusedChallenge);

      const other = await makeUser(server);
      const own = await scheme.issue(other.username);
      expect((await graphql(listening, ME, { headers: ask(own) })).status).toBe(200);
      await server.orm.em.fork().nativeUpdate(User, { id: other.id }, { isActive: false });
      expectRefused(await refusedWithin(listening, 1000, ask(own)), scheme.refusedChallenge);
    } finally {
      await listening.close();
    }
  });
});

describe('a request with a bad Authorization header', () => {
  it('with an unknown scheme keyword fails with 401, never falling back to anonymous', async () => {
    const token = await logInAs(server, (await makeUser(server)).username);
    for (const header of [`Bearer-ish ${token}`, 'Basic dXNlcjpwYXNz', `Tokens ${token}`, token]) {
      const response = await me({ authorization: header });
      expectRefused(response, CHALLENGE);
      expect(response.body.errors?.[0]?.message).toBe(
        'Unsupported authorization scheme; use Token, Bearer or TmpToken.',
      );
    }
  });

  it('repeated fails with 400, even if the first is valid: a proxy might have picked the other one', async () => {
    const token = await logInAs(server, (await makeUser(server)).username);
    // fetch would merge the two into one comma-separated header, so write the request by hand.
    const reply = await rawRequest(
      Number(new URL(server.url).port),
      Buffer.from(`Authorization: Token ${token}\r\nAuthorization: Token ${token}\r\n`),
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('"message":"Send one Authorization header, not several."');
    expect(reply).toContain('"code":"BAD_REQUEST"');
  });

  it('never gets a 500, whatever bytes the header holds', async () => {
    const port = Number(new URL(server.url).port);
    const samples: Buffer[] = [
      Buffer.from([0x54, 0x6f, 0x6b, 0x65, 0x6e, 0x20, 0x80, 0xff, 0xfe]),
      Buffer.concat([Buffer.from('Bearer '), Buffer.from('tgb_ünïcødé', 'utf8')]),
      Buffer.from('Token \x7f\x01\x02'),
      Buffer.from('\xff\xfe Token'),
      Buffer.from('Token \x00abc'),
      Buffer.from(`Bearer ${'x'.repeat(8000)}`),
    ];
    for (let byte = 0; byte < 256; byte++) samples.push(Buffer.from([0x54, 0x20, byte, 0x41]));
    for (const sample of samples) {
      const reply = await rawRequest(
        port,
        Buffer.concat([Buffer.from('Authorization: '), sample, Buffer.from('\r\n')]),
      );
      if (isValidHeaderValue(sample)) {
        // Bytes HTTP allows reach the context builder, which must refuse them: never anonymous, never a 500.
        expect(reply).toMatch(/^HTTP\/1\.1 401 /);
      } else {
        // Node's parser answers 400 to bytes HTTP forbids, or hangs up; the request never reaches us.
        expect(reply === '' || /^HTTP\/1\.1 400 /.test(reply)).toBe(true);
      }
    }
    const blank = await rawRequest(port, Buffer.from('Authorization: \t\r\n'));
    expect(blank).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('Apollo settings', () => {
  it('refuses batched requests, persisted-query hashes, and in production introspection and field suggestions', async () => {
    const batch = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(batch.status).toBe(400);
    const apq = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    });
    const apqBody = (await apq.json()) as GraphQLResponse['body'];
    expect(apqBody.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');

    const production = await startTestServer({ introspection: false, explorer: 'off' });
    try {
      const introspection = await graphql(production, '{ __schema { types { name } } }');
      expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const typo = await graphql(production, '{ mee { id } }');
      expect(typo.body.errors?.[0]?.message).not.toContain('Did you mean');
      const landing = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await landing.text()).not.toContain('embeddable-sandbox');
    } finally {
      await production.close();
    }
  });
});

describe('AUTH_SCHEMES', () => {
  it('disables a scheme: its credentials get 401 and its keyword leaves the challenge', async () => {
    const bearerOnly = await startTestServer({ authSchemes: ['bearer'] });
    try {
      const username = (await makeUser(server)).username;
      const login = await logInAs(server, username);
      const bearer = await createBearerTokenWith(server, login);
      const refused = await graphql(bearerOnly, ME, { headers: tokenHeader(login) });
      expectRefused(refused, 'Bearer realm="tokengate"');
      expect(refused.body.errors?.[0]?.message).toBe('Unsupported authorization scheme; use Bearer.');
      const misdirected = await graphql(bearerOnly, ME, { headers: { authorization: `Bearer ${login}` } });
      expectRefused(misdirected, 'Bearer realm="tokengate", error="invalid_token"');
      // It would name the Token keyword, which this server does not accept: the generic message instead.
      expect(misdirected.body.errors?.[0]?.message).toBe(INVALID_TOKEN_MESSAGE);
      const accepted = await graphql(bearerOnly, ME, { headers: { authorization: `Bearer ${bearer}` } });
      expect(accepted.body.data?.me).toEqual({ username });
    } finally {
      await bearerOnly.close();
    }
  });
});

/** Whether Node's HTTP parser accepts these bytes as a header value (as latin1 text, after trimming). */
function isValidHeaderValue(bytes: Buffer): boolean {
  try {
    http.validateHeaderValue('authorization', bytes.toString('latin1').replace(/^[ \t]+|[ \t]+$/g, ''));
    return true;
  } catch {
    return false;
  }
}

/** Sends a request with the given raw header lines and returns the raw reply ('' if the server hung up). */
function rawRequest(port: number, headerLines: Buffer): Promise<string> {
  const body = JSON.stringify({ query: ME });
  const head = `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n`;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('error', () => resolve(reply));
    socket.on('close', () => resolve(reply));
    socket.end(Buffer.concat([Buffer.from(head), headerLines, Buffer.from(`\r\n${body}`)]));
  });
}
