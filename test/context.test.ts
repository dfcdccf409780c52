import net from 'node:net';
import { ApiToken } from '../src/entities/api-token.entity';
import { User } from '../src/entities/user.entity';
import { INVALID_TOKEN_MESSAGE } from '../src/errors';
import {
  DAY_MS,
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  type TestServer,
  tokenHeader,
} from './support/test-server';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await logInAs(server, (await makeUser(server)).username);
});
afterAll(() => server.close());

const ME = '{ me { username } }';
const CHALLENGE = 'Token realm="tokengate"';
const INVALID_CHALLENGE = 'Token realm="tokengate", error="invalid_token"';

function me(headers: Record<string, string>) {
  return graphql(server, ME, { headers });
}

function expectRefused(response: Awaited<ReturnType<typeof me>>, challenge = INVALID_CHALLENGE) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(challenge);
  expect(response.body.errors).toEqual([
    { message: expect.any(String) as string, extensions: { code: 'UNAUTHENTICATED' } },
  ]);
  expect(response.body.data).toBeUndefined();
}

describe('the context builder', () => {
  it('treats a request without Authorization as anonymous: me is null with UNAUTHENTICATED', async () => {
    const response = await me({});
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ me: null });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('treats an empty Authorization header as anonymous (Apollo Client sends one without a token)', async () => {
    const response = await me({ authorization: '' });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ me: null });
  });

  it('authenticates a valid Token header', async () => {
    const response = await me(tokenHeader(token));
    expect(response.status).toBe(200);
    expect(response.body.data?.me).toEqual({ username: expect.any(String) as string });
  });

  it.each(['token', 'TOKEN', 'ToKeN'])('matches the keyword %s case-insensitively', async (keyword) => {
    expect((await me({ authorization: `${keyword} ${token}` })).body.data?.me).not.toBeNull();
  });

  describe('refuses with 401, one message and a challenge', () => {
    const cases: [string, () => string][] = [
      ['a Token header without credentials', () => 'Token'],
      ['a Token header with only spaces after the keyword', () => 'Token    '],
      ['a key that contains spaces', () => `Token ${token.slice(0, 10)} ${token.slice(10)}`],
      ['a key followed by a second word', () => `Token ${token} extra`],
      ['a key with invalid characters', () => `Token ${token.slice(0, -1)}é`],
      [
        'a key whose checksum does not match',
        () => `Token ${token.slice(0, 10)}${token[10] === 'a' ? 'b' : 'a'}${token.slice(11)}`,
      ],
      ['a well-formed key that was never issued', () => `Token tgl_${'A'.repeat(30)}${'0'.repeat(6)}`],
      ['a DRF-style 40-character hex key', () => 'Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b'],
    ];
    it.each(cases)('%s', async (_name, header) => {
      const response = await me({ authorization: header() });
      expectRefused(response);
      expect(response.body.errors?.[0]?.message).toBe(INVALID_TOKEN_MESSAGE);
    });

    it('an unknown scheme keyword, without falling back to anonymous', async () => {
      for (const header of [`Bearer-ish ${token}`, 'Basic dXNlcjpwYXNz', `Tokens ${token}`, token]) {
        const response = await me({ authorization: header });
        expectRefused(response, CHALLENGE);
        expect(response.body.errors?.[0]?.message).toBe('Unsupported authorization scheme; use Token.');
      }
    });

    it('an expired token', async () => {
      const user = await makeUser(server);
      const expiring = await logInAs(server, user.username);
      server.clock.advance(30 * DAY_MS + 1000);
      try {
        expectRefused(await me(tokenHeader(expiring)));
      } finally {
        server.clock.advance(-(30 * DAY_MS + 1000));
      }
      expect((await me(tokenHeader(expiring))).status).toBe(200);
    });

    it('a revoked token', async () => {
      const user = await makeUser(server);
      const revoked = await logInAs(server, user.username);
      await server.orm.em.fork().nativeUpdate(ApiToken, { user: user.id }, { revokedAt: new Date() });
      expectRefused(await me(tokenHeader(revoked)));
    });

    it('a valid token whose user was deactivated, on the very next request', async () => {
      const user = await makeUser(server);
      const own = await logInAs(server, user.username);
      expect((await me(tokenHeader(own))).status).toBe(200);
      await server.orm.em.fork().nativeUpdate(User, { id: user.id }, { isActive: false });
      expectRefused(await me(tokenHeader(own)));
    });

    it('two Authorization headers, even if the first is valid', async () => {
      // fetch would merge them into one comma-separated header, so write the request by hand.
      const reply = await rawRequest(
        Number(new URL(server.url).port),
        Buffer.from(`Authorization: Token ${token}\r\nAuthorization: Token ${token}\r\n`),
      );
      expect(reply).toMatch(/^HTTP\/1\.1 401 /);
      expect(reply).toContain(`www-authenticate: ${CHALLENGE}\r\n`);
    });
  });

  it('never answers 500, whatever bytes the header holds', async () => {
    const port = new URL(server.url).port;
    const samples: Buffer[] = [
      Buffer.from([0x54, 0x6f, 0x6b, 0x65, 0x6e, 0x20, 0x80, 0xff, 0xfe]),
      Buffer.concat([Buffer.from('Token '), Buffer.from('tgl_ünïcødé', 'utf8')]),
      Buffer.from('Token \x7f\x01\x02'),
      Buffer.from('\xff\xfe Token'),
      Buffer.from('Token \x00abc'),
      Buffer.from(`Token ${'x'.repeat(8000)}`),
      Buffer.from('\t'),
    ];
    for (let byte = 0; byte < 256; byte++) samples.push(Buffer.from([0x54, 0x20, byte, 0x41]));
    for (const sample of samples) {
      const reply = await rawRequest(
        Number(port),
        Buffer.concat([Buffer.from('Authorization: '), sample, Buffer.from('\r\n')]),
      );
      // Node's parser answers 400 to bytes HTTP forbids, or just closes the connection.
      expect(reply === '' || /^HTTP\/1\.1 (200|400|401|431) /.test(reply)).toBe(true);
    }
  });
});

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
