import { User } from '../../src/entities/user.entity';
import { makeUser, startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('User.fromRow', () => {
  it('maps a raw users row exactly as the ORM does, every property included', async () => {
    const created = await makeUser(server, { isStaff: true });
    const em = server.orm.em.fork();
    await em.nativeUpdate(User, { id: created.id }, { lastLogin: new Date('2026-01-02T03:04:05.678Z') });
    const viaOrm = await em.findOneOrFail(User, created.id);
    const [row] = await em.execute<Record<string, unknown>[]>('select u.* from users u where id = ?', [
      created.id,
    ]);
    const viaRow = User.fromRow(row!);

    const properties = Object.keys(server.orm.getMetadata().get(User.name).properties).sort();
    expect(Object.keys(viaRow).sort()).toEqual(properties);
    for (const property of properties) {
      expect(viaRow[property as keyof User]).toEqual(viaOrm[property as keyof User]);
    }
  });
});
