import { BcryptPool } from '../../src/accounts/bcrypt-pool';
import { decodeBasicCredentials } from '../../src/authentication/basic.scheme';
import { User } from '../../src/entities/user.entity';
import { INVALID_CREDENTIALS_MESSAGE } from '../../src/errors';
import {
  errorOf,
  graphql,
  makeUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from '../support/test-server';

const basic = (userPass: string | Buffer) => `Basic ${Buffer.from(userPass).toString('base64')}`;
const CHALLENGE = 'Token realm="tokengate", Bearer realm="tokengate"';

describe('decodeBasicCredentials', () => {
  it('splits at the first colon: the password may contain colons, and either part may be UTF-8', () => {
    expect(decodeBasicCredentials(Buffer.from('ann:pa:ss wörd').toString('base64'))).toEqual({
      username: 'ann',
      password: 'pa:ss wörd',
    });
    expect(decodeBasicCredentials(Buffer.from(':').toString('base64'))).toEqual({
      username: '',
      password: '',
    });
  });

  it.each([
    ['nothing', ''],
    ['no colon', Buffer.from('annpassword').toString('base64')],
    ['missing padding', 'YW5uOnB3'.slice(0, 7)],
    ['padding bits that are not zero', 'YW5uOnB='], // 'ann:p' is YW5uOnA=
    ['a line break', `${Buffer.from('ann:password').toString('base64')}\n`],
    ['base64url characters', Buffer.from('ann:pass?>?').toString('base64url')],
    ['invalid UTF-8', Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')],
    ['a control character', Buffer.from('ann:pass\u0000word').toString('base64')],
  ])('refuses %s', (_case, credentials) => {
    expect(decodeBasicCredentials(credentials)).toBeNull();
  });
});

describe('the Basic scheme', () => {
  let server: TestServer;
  let off: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ authSchemes: ['token', 'bearer', 'basic'] });
    off = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
    await off.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('is off unless AUTH_SCHEMES lists it: its header is an unsupported scheme', async () => {
    const user = await makeUser(off);
    const response = await graphql(off, '{ me { id } }', {
      headers: { authorization: basic(`${user.username}:${TEST_PASSWORD}`) },
    });
    expect(response.status).toBe(401);
    expect(errorOf(response).message).toBe(
      'Unsupported authorization scheme; use Token, Bearer or TmpToken.',
    );
    expect(response.headers.get('www-authenticate')).toBe(`${CHALLENGE}, TmpToken realm="tokengate"`);
  });

  it('authenticates the user with the right password, with no token behind the request', async () => {
    const user = await makeUser(server);
    const headers = { authorization: basic(`${user.username}:${TEST_PASSWORD}`) };
    expect((await graphql(server, '{ me { username } myTokens { id } }', { headers })).body).toEqual({
      data: { me: { username: user.username }, myTokens: [] },
    });
    expect(errorOf(await graphql(server, 'mutation { rotateToken { token } }', { headers }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'This request was not made with a token, so there is no token to act on.',
    });
  });

  it('gives every refusal the generic login answer after exactly one bcrypt check, and never a Basic challenge', async () => {
    const user = await makeUser(server);
    const inactive = await makeUser(server);
    await server.orm.em.fork().nativeUpdate(User, { id: inactive.id }, { isActive: false });
    const refused = [
      basic(`${user.username}:wrong password`),
      basic(`nobody-${user.username}:${TEST_PASSWORD}`),
      basic(`${inactive.username}:${TEST_PASSWORD}`),
      basic(`${user.username}${TEST_PASSWORD}`),
      'Basic %%%',
      'Basic',
    ];
    for (const authorization of refused) {
      const compare = jest.spyOn(BcryptPool.prototype, 'compare');
      const response = await graphql(server, '{ me { id } }', { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        errors: [{ message: INVALID_CREDENTIALS_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }],
      });
      expect(response.headers.get('www-authenticate')).toBe(CHALLENGE);
      expect(compare).toHaveBeenCalledTimes(1);
      compare.mockRestore();
    }
  });

  it('accepts the keyword in any letter case', async () => {
    const user = await makeUser(server);
    const credentials = Buffer.from(`${user.username}:${TEST_PASSWORD}`).toString('base64');
    const response = await graphql(server, '{ me { username } }', {
      headers: { authorization: `bASIC ${credentials}` },
    });
    expect(response.body.data?.me).toEqual({ username: user.username });
  });
});
