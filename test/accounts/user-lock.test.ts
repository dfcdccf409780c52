import { LockedUser, withLockedUser } from '../../src/accounts/user-lock';
import { digestToken } from '../../src/tokens/token-format';
import { revokeTokens } from '../../src/tokens/api-tokens';
import { captureLog } from '../support/capture-log';
import {
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  type TestServer,
  tokenHeader,
} from '../support/test-server';

const { log, lines } = captureLog();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { log });
});
afterAll(() => server.close());

/** A user with a login token that the server's token cache holds. */
async function userWithCachedToken() {
  const user = await makeUser(server);
  const token = await logInAs(server, user.username);
  expect((await graphql(server, '{ me { id } }', { headers: tokenHeader(token) })).status).toBe(200);
  const isCached = () => server.services.authCache.get(digestToken(token), server.clock.now()) !== undefined;
  expect(isCached()).toBe(true);
  return { user, token, isCached };
}

function auditEventsOf(userId: number) {
  return lines.filter((line) => line.audit === true && line.userId === userId);
}

describe('withLockedUser', () => {
  it('clears the token cache once a change that revokes access has committed, not before', async () => {
    const { user, isCached } = await userWithCachedToken();
    let cachedInsideTransaction: boolean | undefined;
    await withLockedUser(server.orm.em.fork(), server.services, user.id, async (locked) => {
      await revokeTokens(locked);
      cachedInsideTransaction = isCached();
    });
    expect(cachedInsideTransaction).toBe(true);
    expect(isCached()).toBe(false);
  });

  it('writes audit events after the commit, and neither events nor a cache clear when the work fails', async () => {
    const { user, isCached } = await userWithCachedToken();
    const failing = withLockedUser(server.orm.em.fork(), server.services, user.id, async (locked) => {
      await revokeTokens(locked);
      locked.audit({ event: 'test_event', userId: user.id, byUserId: null, message: 'should not appear' });
      throw new Error('the work failed');
    });
    await expect(failing).rejects.toThrow('the work failed');
    expect(isCached()).toBe(true);
    expect(auditEventsOf(user.id).filter((line) => line.event === 'test_event')).toEqual([]);
    const live = await server.orm.em
      .fork()
      .execute('select id from api_tokens where user_id = ? and revoked_at is null', [user.id]);
    expect(live).toHaveLength(1);

    await withLockedUser(server.orm.em.fork(), server.services, user.id, (locked) => {
      locked.audit({ event: 'test_event', userId: user.id, byUserId: null, message: 'committed' });
      return Promise.resolve();
    });
    expect(auditEventsOf(user.id)).toContainEqual(
      expect.objectContaining({ event: 'test_event', msg: 'committed', byUserId: null }),
    );
  });

  it('leaves the cache warm when nothing revoked access', async () => {
    const { user, isCached } = await userWithCachedToken();
    await withLockedUser(server.orm.em.fork(), server.services, user.id, () => Promise.resolve());
    expect(isCached()).toBe(true);
  });

  it('is the only maker of a LockedUser', () => {
    const construct = LockedUser as unknown as new (...args: unknown[]) => LockedUser;
    expect(() => new construct(Symbol('LockedUser'), null, null, '', 0, new Date())).toThrow(
      'A LockedUser comes only from withLockedUser.',
    );
  });
});
