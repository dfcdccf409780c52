import net from 'node:net';
import { pino } from 'pino';
import { PasswordHasher } from '../src/accounts/passwords';
import { Authenticator } from '../src/authentication/authenticator';
import { TokenKind } from '../src/entities/api-token.entity';
import { generateToken } from '../src/tokens/token-format';
import { graphql, makeUser, startTestServer, TEST_PASSWORD, type TestServer } from './support/test-server';

const LOGIN = 'mutation { login(username: "nobody", password: "whatever") { token } }';

function post(server: TestServer, path: string, body: RequestInit['body']) {
  // fetch needs `duplex` for a streamed body; it is harmless for the others.
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    duplex: 'half',
  });
}

describe('the HTTP app', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ bodyLimitBytes: 1000 });
  });
  afterAll(() => server.close());

  it('answers an unknown path with a JSON 404 NOT_FOUND', async () => {
    for (const response of [
      await fetch(`${server.url}/nowhere`),
      await post(server, '/graphql/extra', JSON.stringify({ query: '{ __typename }' })),
    ]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }],
      });
    }
  });

  it('refuses a body larger than bodyLimitBytes with a JSON 413 PAYLOAD_TOO_LARGE', async () => {
    const body = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1000)}` });
    const chunks = [body.slice(0, 600), body.slice(600)].map((chunk) => new TextEncoder().encode(chunk));
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        chunks.forEach((chunk) => controller.enqueue(chunk));
        controller.close();
      },
    });
    // With a Content-Length over the limit, and sent in chunks with no length announced.
    for (const response of [await post(server, '/graphql', body), await post(server, '/graphql', streamed)]) {
      expect(response.status).toBe(413);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        errors: [{ message: 'Request body is too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
      expect(text).not.toMatch(/FST_|Error|\n\s+at /);
    }
  });

  it('accepts a body of exactly bodyLimitBytes', async () => {
    const query = `{ __typename } #`;
    const padding = 1000 - JSON.stringify({ query }).length;
    const response = await post(server, '/graphql', JSON.stringify({ query: query + 'x'.repeat(padding) }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses malformed JSON with a JSON 400 BAD_REQUEST', async () => {
    const response = await post(server, '/graphql', '{"query": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "Body is not valid JSON but content-type is set to 'application/json'",
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  it('answers /readyz with 200 ready once a query of its own tables answers', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('answers /healthz with 200 ok while the database answers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('the HTTP app when the database cannot be reached', () => {
  let server: TestServer;
  let rawMessage: string;
  const logLines: string[] = [];
  beforeAll(async () => {
    const log = pino({ level: 'warn' }, { write: (line: string) => logLines.push(line) });
    server = await startTestServer({}, { log });
    await server.orm.close();
    rawMessage = await server.orm.em
      .getConnection()
      .execute('select 1')
      .then(
        () => 'the query worked',
        (error: Error) => error.message,
      );
  });
  afterAll(() => server.close());

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After and the request id, and no internals', async () => {
    const response = await post(server, '/graphql', JSON.stringify({ query: LOGIN }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      data: { login: null },
      errors: [
        {
          message: 'The database is unavailable; try again shortly.',
          path: ['login'],
          extensions: { code: 'SERVICE_UNAVAILABLE', requestId },
        },
      ],
    });
    for (const internal of ['knex', 'pool', 'select', 'acquire', 'Error:', '    at ', rawMessage]) {
      expect(text).not.toContain(internal);
    }
  });

  it('answers 503 also when the token check itself cannot reach the database', async () => {
    const response = await post(server, '/graphql', JSON.stringify({ query: '{ me { id } }' }));
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Token ${generateToken(TokenKind.LOGIN).plaintext}`,
      },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.status).toBe(200);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    const body = (await refused.json()) as { errors: { message: string; extensions: object }[] };
    expect(body.errors).toEqual([
      {
        message: 'The database is unavailable; try again shortly.',
        extensions: { code: 'SERVICE_UNAVAILABLE', requestId: refused.headers.get('x-request-id') },
      },
    ]);
  });

  it("logs the failure's type, frames and request id but not its message", async () => {
    logLines.length = 0;
    const response = await post(server, '/graphql', JSON.stringify({ query: LOGIN }));
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0]!)).toMatchObject({
      level: 40,
      reqId: response.headers.get('x-request-id'),
      msg: 'database unavailable',
      err: {
        type: 'DriverException',
        frames: expect.arrayContaining([expect.stringMatching(/^\s+at /)]) as string[],
      },
    });
    expect(logLines[0]).not.toContain(rawMessage);
  });

  it('answers /healthz with 503 database unavailable', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'database unavailable' });
  });

  it('answers /readyz with 503 and Retry-After', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({ status: 'database unavailable' });
  });
});

describe('response headers', () => {
  it('forbid sniffing everywhere, and caching of every GraphQL answer (a new token among them)', async () => {
    const server = await startTestServer();
    try {
      const user = await makeUser(server);
      const login = await graphql(server, LOGIN, {
        variables: { username: user.username, password: TEST_PASSWORD },
      });
      expect(login.headers.get('cache-control')).toBe('no-store');
      expect(login.headers.get('x-content-type-options')).toBe('nosniff');
      const refused = await graphql(server, '{ me { id } }', { headers: { authorization: 'Token nope' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      const health = await fetch(`${server.url}/healthz`);
      expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await server.close();
    }
  });
});

describe('slow clients', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      http: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 500 },
    });
  });
  afterAll(() => server.close());

  /** Opens a raw connection, writes `start`, then one more byte every 200 ms until the server hangs up. */
  function trickle(start: string): Promise<{ answer: string; elapsedMs: number }> {
    const { port } = new URL(server.url);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(start));
      const drip = setInterval(() => socket.writable && socket.write('x'), 200);
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ answer, elapsedMs: Date.now() - started });
      });
    });
  }

  it('answers 408 and hangs up on a client still sending headers after HEADERS_TIMEOUT_MS', async () => {
    const { answer, elapsedMs } = await trickle('POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('answers 408 and hangs up on a body still arriving after REQUEST_TIMEOUT_MS', async () => {
    const { answer, elapsedMs } = await trickle(
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"query":"',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(2_000);
    expect(elapsedMs).toBeLessThan(6_000);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { port } = new URL(server.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe('CORS', () => {
  const ALLOWED = 'https://app.example.org';
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ corsOrigins: [ALLOWED] });
  });
  afterAll(() => server.close());

  function preflight(origin: string) {
    return fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
  }

  it('allows a listed origin by name, without credentials', async () => {
    const response = await preflight(ALLOWED);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/i);
    const query = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(query.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(query.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each(['https://evil.example', 'https://app.example.org.evil.example', 'null', 'http://app.example.org'])(
    'never reflects an origin that is not listed (%s)',
    async (origin) => {
      const response = await preflight(origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    },
  );

  it('sends no CORS headers at all when no origin is allowed (the production default)', async () => {
    const closed = await startTestServer({ corsOrigins: [] });
    try {
      const response = await fetch(`${closed.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await closed.close();
    }
  });
});

describe('unexpected failures', () => {
  const SECRET = 'password=hunter2 at 10.0.0.7: select * from users';
  let server: TestServer;
  const logLines: string[] = [];
  beforeAll(async () => {
    const log = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
    server = await startTestServer({}, { log });
  });
  afterAll(() => server.close());
  afterEach(() => jest.restoreAllMocks());

  it("masks a resolver's failure as INTERNAL_SERVER_ERROR with the request id, and logs it under that id", async () => {
    jest.spyOn(PasswordHasher.prototype, 'verify').mockRejectedValue(new TypeError(SECRET));
    logLines.length = 0;
    const response = await post(server, '/graphql', JSON.stringify({ query: LOGIN }));
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      data: { login: null },
      errors: [
        {
          message: 'Internal server error.',
          path: ['login'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    });
    expect(text).not.toContain('hunter2');
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 50,
        reqId: requestId,
        err: expect.objectContaining({ type: 'TypeError' }) as unknown,
      }),
    );
    expect(logLines.join('\n')).not.toContain('hunter2');
  });

  it('never answers "Context creation failed": a failing context is a masked 500 with the request id', async () => {
    jest.spyOn(Authenticator.prototype, 'authenticate').mockRejectedValue(new Error(SECRET));
    const response = await post(server, '/graphql', JSON.stringify({ query: '{ __typename }' }));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      errors: [
        {
          message: 'Internal server error.',
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: response.headers.get('x-request-id') },
        },
      ],
    });
    expect(text).not.toMatch(/Context creation failed|hunter2/);
  });

  it('gives every response its own request id, and ignores one the client sends', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async () => {
        const response = await fetch(`${server.url}/healthz`, {
          headers: { 'x-request-id': 'chosen-by-client' },
        });
        return response.headers.get('x-request-id');
      }),
    );
    expect(new Set(ids).size).toBe(3);
    expect(ids).not.toContain('chosen-by-client');
  });
});
