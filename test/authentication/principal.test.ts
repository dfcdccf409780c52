import { principalFromRow, principalOf } from '../../src/authentication/principal';
import { User } from '../../src/entities/user.entity';
import { makeUser, startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('principalFromRow', () => {
  it('maps a raw users row exactly as the ORM maps the entity, every property but the password and epoch', async () => {
    const created = await makeUser(server, { isStaff: true });
    const em = server.orm.em.fork();
    await em.nativeUpdate(User, { id: created.id }, { lastLogin: new Date('2026-01-02T03:04:05.678Z') });
    const viaOrm = await em.findOneOrFail(User, created.id);
    const [row] = await em.execute<Record<string, unknown>[]>('select u.* from users u where id = ?', [
      created.id,
    ]);
    const viaRow = principalFromRow(row!);

    const properties = Object.keys(server.orm.getMetadata().get(User.name).properties)
      .filter((property) => property !== 'passwordHash' && property !== 'authEpoch')
      .sort();
    expect(Object.keys(viaRow).sort()).toEqual(properties);
    expect(viaRow).toEqual(principalOf(viaOrm));
    for (const property of properties) {
      expect(viaRow[property as keyof typeof viaRow]).toEqual(viaOrm[property as keyof User]);
    }
  });

  it('carries no password hash', async () => {
    const created = await makeUser(server);
    const [row] = await server.orm.em
      .fork()
      .execute<Record<string, unknown>[]>('select u.* from users u where id = ?', [created.id]);
    expect(JSON.stringify(principalFromRow(row!))).not.toContain('bcrypt');
    expect(JSON.stringify(created)).not.toContain('bcrypt');
  });
});
