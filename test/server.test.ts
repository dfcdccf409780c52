import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, waitForReady } from '../bench/server-process';
import { runCli } from './support/run-cli';
import { SERVER_SCRIPT, TEST_DATA_DIR, testDatabaseUrl } from './support/test-database';

/**
 * `npm start` as a user runs it: the compiled server with no DATABASE_URL, on its own embedded PostgreSQL in a
 * fresh data folder.
 */
let dataDir: string;
let env: Record<string, string>;
const PASSWORD = 'a long enough password';

beforeAll(async () => {
  await fs.mkdir(TEST_DATA_DIR, { recursive: true });
  dataDir = await fs.mkdtemp(path.join(TEST_DATA_DIR, 'server-'));
  await fs.chmod(dataDir, 0o755); // PostgreSQL runs as the postgres user and must reach its folder.
  env = {
    DATA_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    HOST: '127.0.0.1',
    PORT: '0',
    BCRYPT_COST: '10',
    DATABASE_URL: '',
  };
});

afterAll(async () => {
  const pid = await postmasterPid();
  if (pid) process.kill(pid, 'SIGINT');
  await fs.rm(dataDir, { recursive: true, force: true });
});

interface RunningServer {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
}

async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [SERVER_SCRIPT], { env: { ...process.env, ...env, ...extraEnv } });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const { url, output } = await waitForReady(child);
  return { child, url, output, exit };
}

async function runServerToExit(extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SERVER_SCRIPT], { env: { ...process.env, ...env, ...extraEnv } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stderr };
}

async function postmasterPid(): Promise<number | null> {
  const content = await fs
    .readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')
    .catch(() => null);
  return content ? Number(content.split('\n')[0]) : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function login(url: string, username: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      variables: { u: username, p: PASSWORD },
    }),
  });
  return (await response.json()) as { data?: { login: { token: string } | null } };
}

describe('npm start on the embedded PostgreSQL', () => {
  it('creates the database, migrates, serves GraphQL, health and Sandbox, and the CLI attaches to it', async () => {
    const server = await startServer();
    try {
      expect(server.output()).toContain('applied migrations Migration');
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const landing = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain('embeddable-sandbox');

      const created = await runCli(['createsuperuser', '--username', 'admin', '--no-input'], {
        ...env,
        TOKENGATE_PASSWORD: PASSWORD,
      });
      expect(created).toMatchObject({ code: 0, stdout: 'Superuser "admin" created.\n' });
      expect((await login(server.url, 'admin')).data?.login?.token).toMatch(/^tgl_/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  });

  it('finishes an in-flight request on SIGTERM, stops PostgreSQL and exits 0', async () => {
    const server = await startServer();
    const inFlight = login(server.url, 'admin');
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGTERM');
    expect((await inFlight).data?.login?.token).toMatch(/^tgl_/);
    expect(await server.exit).toBe(0);
    expect(await postmasterPid()).toBeNull();
  });

  it('lets the CLI start and stop the embedded database itself when no server runs', async () => {
    const result = await runCli(['token:create', 'admin'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Generated token tgl_\w+ for user admin\n$/);
    expect(await postmasterPid()).toBeNull();
  });

  it('stops a stale PostgreSQL left by a killed server, says so in one sentence, and starts', async () => {
    const crashed = await startServer();
    crashed.child.kill('SIGKILL');
    await crashed.exit;
    const orphan = await postmasterPid();
    expect(orphan && isAlive(orphan)).toBe(true);

    const server = await startServer();
    expect(server.output()).toContain(
      `Stopping a stale embedded PostgreSQL (pid ${orphan}) left running by an earlier run that did not shut down.`,
    );
    expect((await login(server.url, 'admin')).data?.login?.token).toMatch(/^tgl_/);
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(0);
  });

  it('reports a busy embedded PostgreSQL port in one sentence', async () => {
    const blocker = net.createServer().listen(Number(env.EMBEDDED_POSTGRES_PORT), '127.0.0.1');
    try {
      const result = await runServerToExit();
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `[tokengate] Port ${env.EMBEDDED_POSTGRES_PORT}, needed by the embedded PostgreSQL, is in use by another program; set EMBEDDED_POSTGRES_PORT to a free port or DATABASE_URL to use your own server.\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('reports a busy HTTP port in one sentence and leaves no database running', async () => {
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.1');
    try {
      const result = await runServerToExit({ PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `[tokengate] Port ${port} is already in use by another program; set PORT to a free port.\n`,
      );
      expect(await postmasterPid()).toBeNull();
    } finally {
      blocker.close();
    }
  });

  it('uses DATABASE_URL when it is set, and starts no embedded PostgreSQL', async () => {
    const elsewhere = await fs.mkdtemp(path.join(TEST_DATA_DIR, 'unused-'));
    const server = await startServer({ DATABASE_URL: testDatabaseUrl(), DATA_DIR: elsewhere });
    try {
      expect(server.output()).toContain('Using PostgreSQL at 127.0.0.1:');
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await fs.readdir(elsewhere)).toEqual([]);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exit).toBe(0);
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('reports an unreachable DATABASE_URL in one sentence, without its password', async () => {
    const result = await runServerToExit({ DATABASE_URL: 'postgres://someone:sekret@127.0.0.1:1/nowhere' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^\[tokengate\] Could not connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere: .+\n$/,
    );
    expect(result.stderr).not.toContain('sekret');
  });

  it('refuses a bad setting in one sentence before starting anything', async () => {
    const result = await runServerToExit({ LOGIN_TOKEN_LIFETIME_DAYS: 'soon' });
    expect(result).toEqual({
      code: 1,
      stderr: '[tokengate] LOGIN_TOKEN_LIFETIME_DAYS must be a whole number from 1 to 3650, got "soon".\n',
    });
  });
});
