import { BcryptPool } from '../../src/accounts/bcrypt-pool';
import { ApiToken } from '../../src/entities/api-token.entity';
import {
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  type TestServer,
  tokenHeader,
} from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(() => jest.restoreAllMocks());

const MESSAGE =
  'A request may run only one of login, rotateToken, createBearerToken, scopedToken, changePassword and createUser.';

describe('one credential-issuing field per document', () => {
  it('refuses 20 login aliases with 400 before any password is checked', async () => {
    const user = await makeUser(server);
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    const aliases = Array.from(
      { length: 20 },
      (_, i) => `a${i}: login(username: "${user.username}", password: "guess${i}") { token }`,
    );
    const response = await graphql(server, `mutation { ${aliases.join(' ')} }`);
    expect(response.status).toBe(400);
    // The alias limit refuses it too; the credential rule's own sentence is there whatever that limit is.
    expect(response.body.errors).toContainEqual(
      expect.objectContaining({ message: MESSAGE, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    );
    expect(compare).not.toHaveBeenCalled();
  });

  it.each([
    [
      'two aliases of createBearerToken',
      'mutation { a: createBearerToken(name: "a") { token } b: createBearerToken(name: "b") { token } }',
    ],
    [
      'createBearerToken and scopedToken',
      'mutation { createBearerToken(name: "a") { token } scopedToken(scopes: ["Query.me"]) { token } }',
    ],
    [
      'rotateToken twice through fragments',
      'mutation { ...A ...B } fragment A on Mutation { rotateToken { token } } fragment B on Mutation { again: rotateToken { token } }',
    ],
  ])('refuses %s and issues nothing', async (_case, query) => {
    const user = await makeUser(server);
    const login = await logInAs(server, user.username);
    const response = await graphql(server, query, { headers: tokenHeader(login) });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toBe(MESSAGE);
    expect(await server.orm.em.fork().count(ApiToken, { user: user.id })).toBe(1);
  });

  it('allows one of them beside other fields', async () => {
    const user = await makeUser(server);
    const login = await logInAs(server, user.username);
    const response = await graphql(
      server,
      'mutation { createBearerToken(name: "one") { token } logoutAll }',
      {
        headers: tokenHeader(login),
      },
    );
    expect(response.status).toBe(200);
  });
});
