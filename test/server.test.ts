import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, waitForReady } from '../bench/server-process';
import { runCli } from './support/run-cli';
import { SERVER_SCRIPT, TEST_DATA_DIR, testDatabaseUrl } from './support/test-database';

/**
 * `npm start` as a user runs it: the compiled server with no DATABASE_URL, on its own embedded PostgreSQL. The
 * tests share one data folder, which whichever of them runs first creates; the test that watches a cluster
 * being created has a fresh folder of its own. Each test makes the users it logs in as.
 */
let env: Record<string, string>;
const dataDirs: string[] = [];
const PASSWORD = 'a long enough password';

/** Settings for a server on a new, empty data folder and its own PostgreSQL port. */
async function freshEnv(): Promise<Record<string, string>> {
  await fs.mkdir(TEST_DATA_DIR, { recursive: true });
  const dataDir = await fs.mkdtemp(path.join(TEST_DATA_DIR, 'server-'));
  dataDirs.push(dataDir);
  await fs.chmod(dataDir, 0o755); // PostgreSQL runs as the postgres user and must reach its folder.
  return {
    DATA_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    HOST: '127.0.0.1',
    PORT: '0',
    BCRYPT_COST: '10',
    DATABASE_URL: '',
  };
}

beforeAll(async () => {
  env = await freshEnv();
});

afterAll(async () => {
  for (const dataDir of dataDirs) {
    const pid = await postmasterPid(dataDir);
    if (pid && isAlive(pid)) process.kill(pid, 'SIGINT');
    await fs.rm(dataDir, { recursive: true, force: true });
  }
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

async function postmasterPid(dataDir = env.DATA_DIR!): Promise<number | null> {
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

/** Resolves once the server has printed a line matching `pattern`; rejects if it exits first. */
function printed(server: RunningServer, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    // Runs after waitForReady's listener, which has already added the chunk to output().
    const check = () => {
      if (!pattern.test(server.output())) return;
      server.child.stdout!.off('data', check);
      resolve();
    };
    server.child.stdout!.on('data', check);
    check();
    void server.exit.then((code) => reject(new Error(`server exited with ${code}: ${server.output()}`)));
  });
}

/** Makes a user with the CLI, as an operator would, and returns its name. */
async function createUser(username: string, settings: Record<string, string> = {}): Promise<string> {
  const result = await runCli(['createuser', '--username', username, '--no-input'], {
    ...env,
    ...settings,
    TOKENGATE_PASSWORD: PASSWORD,
  });
  if (result.code !== 0) throw new Error(`createuser ${username} failed: ${result.stderr}`);
  return username;
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
    const fresh = await freshEnv();
    const server = await startServer(fresh);
    try {
      expect(server.output()).toContain('applied migrations Migration');
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const landing = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain('embeddable-sandbox');

      const created = await runCli(['createsuperuser', '--username', 'admin', '--no-input'], {
        ...fresh,
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
    // At cost 12 the login spends about 0.4 s in bcrypt: it is still running when the signal arrives.
    const slowHashing = { BCRYPT_COST: '12' };
    const server = await startServer({ ...slowHashing, LOG_REQUESTS: 'true' });
    const username = await createUser('in_flight', slowHashing);
    const inFlight = login(server.url, username);
    await printed(server, /"msg":"incoming request"/);
    server.child.kill('SIGTERM');
    expect((await inFlight).data?.login?.token).toMatch(/^tgl_/);
    expect(await server.exit).toBe(0);
    expect(server.output()).toMatch(/"incoming request".*SIGTERM received.*"request completed"/s);
    expect(await postmasterPid()).toBeNull();
  });

  it('lets the CLI start and stop the embedded database itself when no server runs', async () => {
    await createUser('cli_only');
    const result = await runCli(['token:create', 'cli_only'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Generated token tgl_\w+ for user cli_only\n$/);
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
    const username = await createUser('after_crash');
    expect((await login(server.url, username)).data?.login?.token).toMatch(/^tgl_/);
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
      // Only the development signing key for scoped tokens: no PostgreSQL cluster.
      expect(await fs.readdir(elsewhere)).toEqual(['secret-key']);
    } finally {
      server.child.kill('SIGTERM');
      const code = await server.exit;
      await fs.rm(elsewhere, { recursive: true, force: true });
      expect(code).toBe(0);
    }
  });

  it('starts on an unreachable DATABASE_URL, says so in one sentence without its password, and answers 503', async () => {
    const server = await startServer({ DATABASE_URL: 'postgres://someone:sekret@127.0.0.1:1/nowhere' });
    try {
      expect(server.output()).toMatch(
        /^\[tokengate\] Could not connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere \(.+\); answering 503 until it answers\.\n/,
      );
      expect(server.output()).not.toContain('sekret');
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exit).toBe(0);
    }
  });

  it('refuses a bad setting in one sentence before starting anything', async () => {
    const result = await runServerToExit({ LOGIN_TOKEN_LIFETIME_DAYS: 'soon' });
    expect(result).toEqual({
      code: 1,
      stderr: '[tokengate] LOGIN_TOKEN_LIFETIME_DAYS must be a whole number from 1 to 3650, got "soon".\n',
    });
  });
});
