import { graphql, startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

describe('errors about input', () => {
  it.each([
    [
      'a variable of the wrong shape',
      LOGIN,
      { u: 'x', p: { nested: 'hunter2' } },
      'Variable "$p" got an invalid value.',
    ],
    ['a variable of the wrong type', LOGIN, { u: 'x', p: 31337 }, 'Variable "$p" got an invalid value.'],
    [
      'a literal of the wrong type',
      'mutation { login(username: "x", password: hunter2) { token } }',
      undefined,
      'String cannot represent a non string value.',
    ],
    [
      'a literal where an object belongs',
      '{ track(id: {secret: "hunter2"}) { id } }',
      undefined,
      'ID cannot represent a non-string and non-integer value.',
    ],
  ])('name what was wrong with %s without quoting the value', async (_case, query, variables, message) => {
    const response = await graphql(server, query, { variables });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toBe(message);
    expect(JSON.stringify(response.body)).not.toMatch(/hunter2|31337/);
  });
});
