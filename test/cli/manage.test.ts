import { AUTH_CHANNEL } from '../../src/authentication/auth-cache';
import { ApiToken } from '../../src/entities/api-token.entity';
import { User } from '../../src/entities/user.entity';
import { runCli, runCliInTerminal } from '../support/run-cli';
import { testDatabaseUrl } from '../support/test-database';
import {
  graphql,
  refusedWithin,
  logInAs,
  startTestServer,
  type TestServer,
  tokenHeader,
  uniqueUsername,
} from '../support/test-server';

const SECRET_KEY = 'the CLI tests sign scoped tokens with this key';
let server: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  // The CLI is another process: its changes reach the server through the database triggers' NOTIFY.
  server = await startTestServer({ secretKey: SECRET_KEY }, { authChannel: AUTH_CHANNEL });
  env = { DATABASE_URL: testDatabaseUrl() };
});
afterAll(() => server.close());

const PASSWORD = 'a long enough password';

async function findUser(username: string) {
  return server.orm.em.fork().findOne(User, { username });
}

describe('manage', () => {
  it('createsuperuser --no-input creates a staff superuser with the password from TOKENGATE_PASSWORD', async () => {
    const username = uniqueUsername('admin');
    const result = await runCli(
      ['createsuperuser', '--username', username, '--email', 'a@example.org', '--no-input'],
      {
        ...env,
        TOKENGATE_PASSWORD: PASSWORD,
      },
    );
    expect(result).toMatchObject({ code: 0, stdout: `Superuser "${username}" created.\n` });
    expect(await findUser(username)).toMatchObject({
      isStaff: true,
      isSuperuser: true,
      email: 'a@example.org',
    });
    expect(await logInAs(server, username, PASSWORD)).toMatch(/^tgl_/);
  });

  it('createsuperuser asks for the username, email and password (twice, not echoed) on a terminal', async () => {
    const username = uniqueUsername('tty');
    const result = await runCliInTerminal(['createsuperuser'], env, [
      ['Username: ', username],
      ['Email address: ', 'tty@example.org'],
      ['Password: ', 'typed at a terminal'],
      ['Password (again): ', 'typed at a terminal'],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Superuser "${username}" created.`);
    expect(result.stdout).not.toContain('typed at a terminal');
    expect(await findUser(username)).toMatchObject({ isSuperuser: true, email: 'tty@example.org' });
    expect(await logInAs(server, username, 'typed at a terminal')).toMatch(/^tgl_/);
  });

  it('changepassword on a terminal refuses two different passwords', async () => {
    const username = uniqueUsername();
    await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: PASSWORD,
    });
    const result = await runCliInTerminal(['changepassword', username], env, [
      ['Password: ', 'first version here'],
      ['Password (again): ', 'second version here'],
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain("The two passwords didn't match.");
    expect(await logInAs(server, username, PASSWORD)).toMatch(/^tgl_/);
  });

  it('createuser --no-input creates a plain user; --staff makes it staff', async () => {
    const plain = uniqueUsername('plain');
    const staff = uniqueUsername('staff');
    expect(
      (
        await runCli(['createuser', '--username', plain, '--no-input'], {
          ...env,
          TOKENGATE_PASSWORD: PASSWORD,
        })
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli(['createuser', '--username', staff, '--staff', '--no-input'], {
          ...env,
          TOKENGATE_PASSWORD: PASSWORD,
        })
      ).code,
    ).toBe(0);
    expect(await findUser(plain)).toMatchObject({ isStaff: false, isSuperuser: false });
    expect(await findUser(staff)).toMatchObject({ isStaff: true, isSuperuser: false });
  });

  it('createuser without TOKENGATE_PASSWORD makes a user who cannot log in yet', async () => {
    const username = uniqueUsername();
    const result = await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: undefined,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no usable password');
    expect((await findUser(username))?.passwordHash).toBe('!');
  });

  it('refuses a duplicate username, a weak password and missing options in one line each', async () => {
    const username = uniqueUsername();
    const withPassword = { ...env, TOKENGATE_PASSWORD: PASSWORD };
    await runCli(['createuser', '--username', username, '--no-input'], withPassword);
    const duplicate = await runCli(['createuser', '--username', username, '--no-input'], withPassword);
    expect(duplicate).toMatchObject({
      code: 1,
      stderr: `A user with the username "${username}" already exists.\n`,
    });
    const weak = await runCli(['createuser', '--username', uniqueUsername(), '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: 'short',
    });
    expect(weak).toMatchObject({ code: 1, stderr: 'The password must be at least 8 characters long.\n' });
    const missing = await runCli(['createsuperuser', '--no-input'], withPassword);
    expect(missing).toMatchObject({ code: 2, stderr: '--username is required with --no-input.\n' });
  });

  it('asks for a terminal instead of hanging when run without one and without --no-input', async () => {
    const result = await runCli(['createsuperuser', '--username', uniqueUsername()], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--no-input');
  });

  it('changepassword sets a new password and revokes the tokens; the old password stops working', async () => {
    const username = uniqueUsername();
    await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: PASSWORD,
    });
    const before = await logInAs(server, username, PASSWORD);
    const result = await runCli(['changepassword', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: 'the new password',
    });
    expect((await refusedWithin(server, 1000, tokenHeader(before))).status).toBe(401);
    expect(result).toMatchObject({
      code: 0,
      stdout: `Password changed successfully for user "${username}"; 1 token(s) revoked.\n`,
    });
    expect(await logInAs(server, username, 'the new password')).toMatch(/^tgl_/);
    await expect(logInAs(server, username, PASSWORD)).rejects.toThrow('login failed');
  });

  it('token:create prints a working login token; -r revokes the earlier ones first', async () => {
    const username = uniqueUsername();
    await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: PASSWORD,
    });
    const earlier = await logInAs(server, username, PASSWORD);

    const created = await runCli(['token:create', username], env);
    expect(created.code).toBe(0);
    const match = /^Generated token (tgl_\w+) for user (\S+)\n$/.exec(created.stdout);
    expect(match?.[2]).toBe(username);
    const token = match![1]!;
    expect(
      (await graphql(server, '{ me { username } }', { headers: tokenHeader(token) })).body.data?.me,
    ).toEqual({ username });
    expect((await graphql(server, '{ me { username } }', { headers: tokenHeader(earlier) })).status).toBe(
      200,
    );

    const rotated = await runCli(['token:create', username, '-r'], env);
    expect(rotated.code).toBe(0);
    for (const old of [earlier, token]) {
      expect((await refusedWithin(server, 1000, tokenHeader(old))).status).toBe(401);
    }
    const user = await findUser(username);
    expect(await server.orm.em.fork().count(ApiToken, { user: user!.id, revokedAt: null })).toBe(1);
  });

  it('token:create for an unknown user, and bad arguments, fail in one line with a non-zero status', async () => {
    expect(await runCli(['token:create', 'nobody-like-this'], env)).toMatchObject({
      code: 1,
      stderr: 'No user has the username "nobody-like-this".\n',
    });
    const noUser = await runCli(['token:create'], env);
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toBe(
      'Expected 1 argument(s). Usage: token:create USERNAME [-r|--rotate] [--bearer --name NAME [--days DAYS]] [--scoped --scope Query.me [--scope ...] [--seconds N] [--recipient R]]\n',
    );
    const badFlag = await runCli(['token:create', 'x', '--frobnicate'], env);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(await runCli(['no-such-command'], env)).toMatchObject({ code: 2 });
  });

  it('token:create --bearer issues a named bearer token with the given lifetime', async () => {
    const username = uniqueUsername();
    await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: PASSWORD,
    });
    const result = await runCli(
      ['token:create', username, '--bearer', '--name', 'backup job', '--days', '7'],
      env,
    );
    expect(result.code).toBe(0);
    const token = /^Generated token (tgb_\w+) for user /.exec(result.stdout)![1]!;
    const me = await graphql(server, '{ me { username } }', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.body.data?.me).toEqual({ username });
    const stored = await server.orm.em.fork().findOneOrFail(ApiToken, { prefix: token.slice(0, 12) });
    expect(stored).toMatchObject({ kind: 'bearer', name: 'backup job' });
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(7 * 24 * 60 * 60 * 1000);

    expect(await runCli(['token:create', username, '--bearer'], env)).toMatchObject({
      code: 2,
      stderr: '--bearer needs --name NAME.\n',
    });
    expect(
      await runCli(['token:create', username, '--bearer', '--name', 'x', '--days', '0'], env),
    ).toMatchObject({
      code: 1,
      stderr: 'expiresInDays must be a whole number of days from 1 to 365; bearer tokens always expire.\n',
    });
  });

  it('token:list shows live tokens without secrets, and token:revoke revokes one by id', async () => {
    const username = uniqueUsername();
    await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: PASSWORD,
    });
    const login = await logInAs(server, username, PASSWORD);
    const bearer = /(tgb_\w+)/.exec(
      (await runCli(['token:create', username, '--bearer', '--name', 'ci'], env)).stdout,
    )![1]!;

    const listed = await runCli(['token:list', username], env);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+PREFIX\s+CREATED\s+EXPIRES\s+LAST USED\s+CREATED BY\s+NAME$/);
    expect(lines).toHaveLength(3);
    expect(listed.stdout).toContain(bearer.slice(0, 12));
    expect(listed.stdout).toContain(login.slice(0, 12));
    expect(listed.stdout).not.toContain(bearer.slice(12));
    expect(listed.stdout).not.toContain(login.slice(12));

    const bearerLine = lines.find((line) => line.includes(bearer.slice(0, 12)))!;
    const id = bearerLine.split(/\s+/)[0]!;
    expect(await runCli(['token:revoke', id], env)).toMatchObject({
      code: 0,
      stdout: `Revoked token ${id}.\n`,
    });
    expect((await refusedWithin(server, 1000, { authorization: `Bearer ${bearer}` })).status).toBe(401);
    expect(await runCli(['token:revoke', id], env)).toMatchObject({
      code: 1,
      stderr: `No live token has the id ${id}.\n`,
    });
    expect((await runCli(['token:revoke', 'abc'], env)).code).toBe(2);
  });

  it('refuses a bad configuration value in one sentence', async () => {
    const result = await runCli(['migrate'], { ...env, BCRYPT_COST: '4' });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'BCRYPT_COST must be a whole number from 10 to 16, got "4".\n',
    });
  });

  it('answers an unreachable database in one sentence, without the password', async () => {
    const unreachable = { DATABASE_URL: 'postgres://someone:sekret@127.0.0.1:1/nowhere' };
    const result = await runCli(['token:list', 'anyone'], unreachable);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Could not connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere: .+\n$/);
    expect(result.stderr).not.toContain('sekret');
  });

  it('records what it changed in the audit log on standard error, as the API does', async () => {
    const username = uniqueUsername();
    await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: PASSWORD,
    });
    const created = await runCli(['token:create', username, '--bearer', '--name', 'ci'], env);
    const id = (
      await server.orm.em
        .fork()
        .execute<{ id: number }[]>(
          'select t.id from api_tokens t join users u on u.id = t.user_id where u.username = ?',
          [username],
        )
    )[0]!.id;
    const revoked = await runCli(['token:revoke', String(id)], env);
    const events = [created, revoked].flatMap((result) =>
      result.stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
    expect(events).toEqual([
      expect.objectContaining({ audit: true, event: 'bearer_token_created', byUserId: null }),
      expect.objectContaining({ audit: true, event: 'token_revoked', tokenId: id, byUserId: null }),
    ]);
    expect(created.stdout).toMatch(/^Generated token tgb_/);
    expect(created.stderr).not.toContain(created.stdout.split(' ')[2]!.trim());
  });

  it('token:create --scoped issues a scoped token through the same rules as the API', async () => {
    const username = uniqueUsername();
    await runCli(['createuser', '--username', username, '--no-input'], {
      ...env,
      TOKENGATE_PASSWORD: PASSWORD,
    });
    const keyed = { ...env, SECRET_KEY };
    server.clock.advance(-120_000); // as far behind real time as a long suite leaves it
    const created = await runCli(
      [
        'token:create',
        username,
        '--scoped',
        '--scope',
        'Query.me',
        '--seconds',
        '600',
        '--recipient',
        'backup job',
      ],
      keyed,
    );
    expect(created.code).toBe(0);
    const token = /^Generated token (tgs\.\S+) for user /.exec(created.stdout)![1]!;
    // The CLI signed it by the system clock; this server's clock stood still since the suite started.
    server.clock.catchUp();
    const me = await graphql(server, '{ me { username } }', {
      headers: { authorization: `TmpToken ${token}` },
    });
    expect(me.body.data?.me).toEqual({ username });
    const outside = await graphql(server, '{ tracks { edges { cursor } } }', {
      headers: { authorization: `TmpToken ${token}` },
    });
    expect(outside.status).toBe(403);
    expect(
      await runCli(['token:create', username, '--scoped', '--scope', 'Mutation.login'], keyed),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('These scopes cannot be granted: "Mutation.login".') as string,
    });
    expect(await runCli(['token:create', username, '--scope', 'Query.me'], keyed)).toMatchObject({
      code: 2,
      stderr: '--scope, --seconds and --recipient go with --scoped.\n',
    });
  });
});
