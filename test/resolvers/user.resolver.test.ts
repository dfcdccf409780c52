import { User } from '../../src/entities/user.entity';
import {
  bearerHeader,
  createBearerTokenWith,
  errorOf,
  graphql,
  LOGIN,
  logInAs,
  makeUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  tokenHeader,
  uniqueUsername,
} from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const CHANGE_PASSWORD = `mutation($current: String!, $next: String!) {
  changePassword(currentPassword: $current, newPassword: $next)
}`;
const CREATE_USER = `mutation($username: String!, $email: String!, $password: String!, $isStaff: Boolean) {
  createUser(username: $username, email: $email, password: $password, isStaff: $isStaff) { id username isStaff isActive }
}`;
const SET_ACTIVE =
  'mutation($id: ID!, $active: Boolean!) { setUserActive(id: $id, active: $active) { id isActive } }';
const ME = '{ me { username } }';

describe('changePassword', () => {
  it('sets the new password and revokes every other token; the current one stays valid', async () => {
    const user = await makeUser(server);
    const current = await logInAs(server, user.username);
    const otherLogin = await logInAs(server, user.username);
    const bearer = await createBearerTokenWith(server, current);
    const response = await graphql(server, CHANGE_PASSWORD, {
      variables: { current: TEST_PASSWORD, next: 'a brand new passphrase' },
      headers: tokenHeader(current),
    });
    expect(response.body.data).toEqual({ changePassword: true });
    expect((await graphql(server, ME, { headers: tokenHeader(current) })).status).toBe(200);
    expect((await graphql(server, ME, { headers: tokenHeader(otherLogin) })).status).toBe(401);
    expect((await graphql(server, ME, { headers: bearerHeader(bearer) })).status).toBe(401);
    expect(await logInAs(server, user.username, 'a brand new passphrase')).toMatch(/^tgl_/);
    const old = await graphql(server, LOGIN, {
      variables: { username: user.username, password: TEST_PASSWORD },
    });
    expect(old.body.data?.login).toBeNull();
  });

  it("answers a wrong current password with login's generic failure and changes nothing", async () => {
    const user = await makeUser(server);
    const current = await logInAs(server, user.username);
    const other = await logInAs(server, user.username);
    const response = await graphql(server, CHANGE_PASSWORD, {
      variables: { current: 'not my password', next: 'a brand new passphrase' },
      headers: tokenHeader(current),
    });
    expect(errorOf(response)).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Unable to log in with provided credentials.',
    });
    expect((await graphql(server, ME, { headers: tokenHeader(other) })).status).toBe(200);
    expect(await logInAs(server, user.username)).toMatch(/^tgl_/);
  });

  it('refuses a too short new password with BAD_USER_INPUT and keeps the old one', async () => {
    const user = await makeUser(server);
    const current = await logInAs(server, user.username);
    const response = await graphql(server, CHANGE_PASSWORD, {
      variables: { current: TEST_PASSWORD, next: 'short' },
      headers: tokenHeader(current),
    });
    expect(errorOf(response)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The password must be at least 8 characters long.',
    });
    expect(await logInAs(server, user.username)).toMatch(/^tgl_/);
  });
});

describe('createUser', () => {
  it('lets staff create a user who can then log in', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const username = uniqueUsername('new');
    const response = await graphql(server, CREATE_USER, {
      variables: { username, email: 'new@example.org', password: 'a long enough password', isStaff: false },
      headers: tokenHeader(await logInAs(server, staff.username)),
    });
    expect(response.body.data?.createUser).toMatchObject({ username, isStaff: false, isActive: true });
    expect(await logInAs(server, username, 'a long enough password')).toMatch(/^tgl_/);
  });

  it('refuses non-staff with FORBIDDEN and anonymous callers with UNAUTHENTICATED', async () => {
    const variables = {
      username: uniqueUsername(),
      email: 'x@example.org',
      password: 'a long enough password',
    };
    const user = await makeUser(server);
    const asUser = await graphql(server, CREATE_USER, {
      variables,
      headers: tokenHeader(await logInAs(server, user.username)),
    });
    expect(errorOf(asUser).code).toBe('FORBIDDEN');
    expect(errorOf(await graphql(server, CREATE_USER, { variables })).code).toBe('UNAUTHENTICATED');
    expect(await server.orm.em.fork().count(User, { username: variables.username })).toBe(0);
  });

  it('refuses a duplicate username, a bad email and a weak password with BAD_USER_INPUT', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const headers = tokenHeader(await logInAs(server, staff.username));
    const taken = await makeUser(server);
    const cases = [
      { username: taken.username, email: 'a@example.org', password: 'a long enough password' },
      { username: uniqueUsername(), email: 'not an email', password: 'a long enough password' },
      { username: uniqueUsername(), email: 'nul\u0000@example.org', password: 'a long enough password' },
      {
        username: uniqueUsername(),
        email: `${'a'.repeat(250)}@example.org`,
        password: 'a long enough password',
      },
      { username: `nul\u0000byte`, email: 'a@example.org', password: 'a long enough password' },
      { username: uniqueUsername(), email: 'a@example.org', password: 'short' },
      { username: 'has spaces', email: 'a@example.org', password: 'a long enough password' },
    ];
    for (const variables of cases) {
      expect(errorOf(await graphql(server, CREATE_USER, { variables, headers })).code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('setUserActive', () => {
  it('deactivates a user: all their tokens are revoked at once and stay revoked after re-activation', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const staffHeaders = tokenHeader(await logInAs(server, staff.username));
    const user = await makeUser(server);
    const login = await logInAs(server, user.username);
    const bearer = await createBearerTokenWith(server, login);

    const off = await graphql(server, SET_ACTIVE, {
      variables: { id: String(user.id), active: false },
      headers: staffHeaders,
    });
    expect(off.body.data?.setUserActive).toEqual({ id: String(user.id), isActive: false });
    for (const headers of [tokenHeader(login), bearerHeader(bearer)]) {
      expect((await graphql(server, ME, { headers })).status).toBe(401);
    }
    await graphql(server, SET_ACTIVE, {
      variables: { id: String(user.id), active: true },
      headers: staffHeaders,
    });
    expect((await graphql(server, ME, { headers: bearerHeader(bearer) })).status).toBe(401);
    expect(await logInAs(server, user.username)).toMatch(/^tgl_/);
  });

  it('is staff only, cannot lock out the caller, and cannot touch a superuser unless the caller is one', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const staffHeaders = tokenHeader(await logInAs(server, staff.username));
    const superuser = await makeUser(server, { isStaff: true, isSuperuser: true });
    const user = await makeUser(server);
    const userHeaders = tokenHeader(await logInAs(server, user.username));

    const asUser = await graphql(server, SET_ACTIVE, {
      variables: { id: String(staff.id), active: false },
      headers: userHeaders,
    });
    expect(errorOf(asUser).code).toBe('FORBIDDEN');
    const self = await graphql(server, SET_ACTIVE, {
      variables: { id: String(staff.id), active: false },
      headers: staffHeaders,
    });
    expect(errorOf(self)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'You cannot deactivate your own account.',
    });
    const onSuperuser = await graphql(server, SET_ACTIVE, {
      variables: { id: String(superuser.id), active: false },
      headers: staffHeaders,
    });
    expect(errorOf(onSuperuser).code).toBe('FORBIDDEN');
    const unknown = await graphql(server, SET_ACTIVE, {
      variables: { id: '99999999', active: false },
      headers: staffHeaders,
    });
    expect(errorOf(unknown).code).toBe('NOT_FOUND');
    expect(await server.orm.em.fork().count(User, { id: [staff.id, superuser.id], isActive: true })).toBe(2);
  });
});

describe('users', () => {
  const USERS = `query($after: String) {
    users(first: 2, after: $after) { edges { node { id username email } } pageInfo { hasNextPage endCursor } }
  }`;
  type UserPage = {
    edges: { node: { id: string; username: string; email: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };

  it('lists every user by id for staff, a page at a time, their private fields included', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const headers = tokenHeader(await logInAs(server, staff.username));
    const seen: UserPage['edges'] = [];
    let after: string | null = null;
    do {
      const response = await graphql(server, USERS, { headers, variables: { after } });
      const page = response.body.data?.users as UserPage;
      expect(page.edges.length).toBeLessThanOrEqual(2);
      seen.push(...page.edges);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    const ids = seen.map((edge) => Number(edge.node.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(seen).toContainEqual({
      node: { id: String(staff.id), username: staff.username, email: staff.email },
    });
  });
});

describe('user(username:)', () => {
  const LOOKUP = 'query($u: String!) { user(username: $u) { id username email } }';

  it('finds a user by username for staff, and answers null for an unknown one', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const target = await makeUser(server);
    const headers = tokenHeader(await logInAs(server, staff.username));
    const found = await graphql(server, LOOKUP, { variables: { u: target.username }, headers });
    expect(found.body).toEqual({
      data: { user: { id: String(target.id), username: target.username, email: 'someone@example.org' } },
    });
    const unknown = await graphql(server, LOOKUP, { variables: { u: 'nobody_at_all' }, headers });
    expect(unknown.body).toEqual({ data: { user: null } });
  });

  it('is refused to a user who is not staff', async () => {
    const user = await makeUser(server);
    const response = await graphql(server, LOOKUP, {
      variables: { u: user.username },
      headers: tokenHeader(await logInAs(server, user.username)),
    });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
