import http from 'node:http';
import { BcryptPool } from '../../src/accounts/bcrypt-pool';
import {
  errorOf,
  graphql,
  LOGIN,
  makeUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  uniqueUsername,
} from '../support/test-server';

const WINDOW_SECONDS = 900;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ loginFailuresPerAccount: 3, loginFailuresPerAddress: 1_000_000 });
});
afterAll(() => server.close());
afterEach(() => jest.restoreAllMocks());

function logIn(target: TestServer, username: string, password: string, headers: Record<string, string> = {}) {
  return graphql(target, LOGIN, { variables: { username, password }, headers });
}

async function failTimes(
  target: TestServer,
  username: string,
  times: number,
  headers: Record<string, string> = {},
) {
  for (let i = 0; i < times; i++) {
    const response = await logIn(target, username, 'wrong password', headers);
    expect(errorOf(response).code).toBe('UNAUTHENTICATED');
  }
}

function expectThrottled(response: Awaited<ReturnType<typeof logIn>>, seconds = WINDOW_SECONDS) {
  expect(response.status).toBe(429);
  expect(errorOf(response)).toEqual({
    code: 'RATE_LIMITED',
    message: expect.stringMatching(/^Too many failed attempts; try again in \d+ seconds\.$/) as string,
  });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(seconds);
}

describe('the login throttle', () => {
  it('locks an account after its failures: 429 with Retry-After, even for the right password, with no password checked', async () => {
    const user = await makeUser(server);
    await failTimes(server, user.username, 3);
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    expectThrottled(await logIn(server, user.username, TEST_PASSWORD));
    expect(compare).not.toHaveBeenCalled();

    const other = await makeUser(server);
    expect((await logIn(server, other.username, TEST_PASSWORD)).body.data?.login).not.toBeNull();
  });

  it('counts unknown usernames the same way, so the throttle reveals nothing, and folds case and width', async () => {
    const ghost = uniqueUsername('Ghost');
    await failTimes(server, ghost, 2);
    await failTimes(server, ghost.toLowerCase(), 1);
    expectThrottled(await logIn(server, ghost.toUpperCase(), 'anything'));
  });

  it('lets the account in again once the window has passed, by the server clock', async () => {
    const user = await makeUser(server);
    await failTimes(server, user.username, 3);
    expectThrottled(await logIn(server, user.username, TEST_PASSWORD));
    server.clock.advance(WINDOW_SECONDS * 1000);
    try {
      expect((await logIn(server, user.username, TEST_PASSWORD)).body.data?.login).not.toBeNull();
    } finally {
      server.clock.advance(-WINDOW_SECONDS * 1000);
    }
  });

  it('clears an account count on the right password', async () => {
    const user = await makeUser(server);
    await failTimes(server, user.username, 2);
    expect((await logIn(server, user.username, TEST_PASSWORD)).body.data?.login).not.toBeNull();
    await failTimes(server, user.username, 2);
    expect((await logIn(server, user.username, TEST_PASSWORD)).body.data?.login).not.toBeNull();
  });

  it('counts Basic and changePassword failures with login', async () => {
    const basicServer = await startTestServer({
      loginFailuresPerAccount: 3,
      authSchemes: ['token', 'basic'],
    });
    try {
      const user = await makeUser(basicServer);
      const session = await logIn(basicServer, user.username, TEST_PASSWORD);
      const token = (session.body.data?.login as { token: string }).token;
      const basic = { authorization: `Basic ${Buffer.from(`${user.username}:wrong`).toString('base64')}` };
      expect((await graphql(basicServer, '{ me { id } }', { headers: basic })).status).toBe(401);
      const change = await graphql(
        basicServer,
        'mutation { changePassword(currentPassword: "wrong", newPassword: "a new password") }',
        {
          headers: { authorization: `Token ${token}` },
        },
      );
      expect(errorOf(change).code).toBe('UNAUTHENTICATED');
      await failTimes(basicServer, user.username, 1);
      expectThrottled(await logIn(basicServer, user.username, TEST_PASSWORD));
      const right = {
        authorization: `Basic ${Buffer.from(`${user.username}:${TEST_PASSWORD}`).toString('base64')}`,
      };
      expectThrottled(await graphql(basicServer, '{ me { id } }', { headers: right }));
    } finally {
      await basicServer.close();
    }
  });

  it('shares its counts between server processes on one database', async () => {
    const second = await startTestServer({ loginFailuresPerAccount: 3 });
    try {
      const user = await makeUser(server);
      await failTimes(server, user.username, 2);
      await failTimes(second, user.username, 1);
      expectThrottled(await logIn(server, user.username, TEST_PASSWORD));
    } finally {
      await second.close();
    }
  });
});

describe('the per-address throttle', () => {
  /** A login sent from a loopback address of its own (any 127.x.y.z works on Linux), so no other test shares it. */
  function logInFrom(
    target: TestServer,
    localAddress: string,
    username: string,
    headers: Record<string, string>,
  ) {
    const body = JSON.stringify({ query: LOGIN, variables: { username, password: 'wrong password' } });
    return new Promise<number>((resolve, reject) => {
      const request = http.request(
        `${target.url}/graphql`,
        { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  it('locks an address across usernames, and believes X-Forwarded-For only with TRUST_PROXY', async () => {
    const strict = await startTestServer({ loginFailuresPerAccount: 100, loginFailuresPerAddress: 3 });
    const proxied = await startTestServer({
      loginFailuresPerAccount: 100,
      loginFailuresPerAddress: 3,
      trustProxy: true,
    });
    const octet = () => 1 + Math.floor(Math.random() * 250);
    try {
      // Without TRUST_PROXY, a forged header changes nothing: the socket's address counts.
      const socket = `127.${octet()}.${octet()}.${octet()}`;
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          await logInFrom(strict, socket, uniqueUsername(), { 'x-forwarded-for': `198.51.100.${i}` }),
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);

      const client = `203.0.${octet()}.${octet()}`;
      await failTimes(proxied, uniqueUsername(), 3, { 'x-forwarded-for': client });
      expectThrottled(await logIn(proxied, uniqueUsername(), 'anything', { 'x-forwarded-for': client }));
      const elsewhere = await logIn(proxied, uniqueUsername(), 'anything', {
        'x-forwarded-for': `192.0.2.${octet()}`,
      });
      expect(errorOf(elsewhere).code).toBe('UNAUTHENTICATED');
    } finally {
      await strict.close();
      await proxied.close();
    }
  });
});
