import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForReady } from '../../bench/server-process';
import { runCli } from '../support/run-cli';
import { StandalonePostgres } from '../support/standalone-postgres';
import { SERVER_SCRIPT } from '../support/test-database';
import { until } from '../support/until';

/**
 * Outages of a real PostgreSQL, stopped, frozen and started again by its PID, under the compiled server run as
 * a user runs it. The database timeout is one second, so "within seconds" below means a few of them.
 */
const TIMEOUT_MS = 1000;
const PASSWORD = 'a long enough password';

let postgres: StandalonePostgres;
let dataDir: string;
const servers: ChildProcess[] = [];

beforeAll(async () => {
  postgres = await StandalonePostgres.create();
  await postgres.start();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokengate-outage-'));
}, 30_000);

afterAll(async () => {
  for (const server of servers) server.kill('SIGKILL');
  await postgres.destroy();
  await fs.rm(dataDir, { recursive: true, force: true });
});

function serverEnv(database: string): Record<string, string> {
  return {
    DATABASE_URL: postgres.url(database),
    DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    BCRYPT_COST: '10',
    LOG_LEVEL: 'error',
  };
}

async function startServer(database: string) {
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    env: { ...process.env, ...serverEnv(database), PORT: String(await freePort()) },
  });
  servers.push(child);
  return waitForReady(child);
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: Record<string, unknown>; errors?: { extensions: { code: string } }[] };
  elapsedMs: number;
}

async function post(url: string, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
    elapsedMs: Date.now() - started,
  };
}

async function logIn(url: string, database: string): Promise<string> {
  const username = `user${Math.random().toString(36).slice(2, 8)}`;
  const created = await runCli(['createuser', '--username', username, '--no-input'], {
    ...serverEnv(database),
    TOKENGATE_PASSWORD: PASSWORD,
  });
  if (created.code !== 0) throw new Error(created.stderr);
  const response = await post(
    url,
    `mutation { login(username: "${username}", password: "${PASSWORD}") { token } }`,
  );
  return (response.body.data!.login as { token: string }).token;
}

function expectOutage(answer: Answer) {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe('5');
  expect(answer.body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
  // Within seconds, never a hang: the pool, connect and query timeouts are all about one second here.
  expect(answer.elapsedMs).toBeLessThan(6 * TIMEOUT_MS);
}

const MY_TOKENS = '{ myTokens { id } }';

describe('a database outage', () => {
  let url: string;
  let headers: Record<string, string>;
  beforeAll(async () => {
    await postgres.createDatabase('outage');
    ({ url } = await startServer('outage'));
    headers = { authorization: `Token ${await logIn(url, 'outage')}` };
  }, 30_000);

  it('answers 503 with Retry-After while PostgreSQL is stopped, and recovers without a restart', async () => {
    expect((await post(url, MY_TOKENS, headers)).status).toBe(200);
    await postgres.stop();
    expectOutage(await post(url, MY_TOKENS, headers));
    expectOutage(await post(url, 'mutation { login(username: "anyone", password: "whatever") { token } }'));
    expect((await fetch(`${url}/readyz`)).status).toBe(503);

    await postgres.start();
    await until(async () => (await post(url, MY_TOKENS, headers)).status === 200, 15_000);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }, 60_000);

  it('answers 503 within seconds while PostgreSQL is frozen, and recovers when it thaws', async () => {
    expect((await post(url, MY_TOKENS, headers)).status).toBe(200);
    postgres.freeze();
    try {
      expectOutage(await post(url, MY_TOKENS, headers));
      expectOutage(await post(url, MY_TOKENS, headers));
    } finally {
      postgres.thaw();
    }
    await until(async () => (await post(url, MY_TOKENS, headers)).status === 200, 15_000);
  }, 60_000);
});

describe('a server started while the database is down', () => {
  it('listens, answers 503, and migrates and serves once PostgreSQL is back', async () => {
    await postgres.createDatabase('late');
    await postgres.stop();
    const { url, output } = await startServer('late');
    expect(output()).toContain(`Could not connect to PostgreSQL at 127.0.0.1:${postgres.port}/late`);
    expectOutage(await post(url, '{ __typename }'));
    expect((await fetch(`${url}/readyz`)).status).toBe(503);

    await postgres.start();
    await until(async () => (await fetch(`${url}/readyz`)).status === 200, 15_000);
    expect(output()).toMatch(/applied migrations Migration\d+/);
    const headers = { authorization: `Token ${await logIn(url, 'late')}` };
    expect((await post(url, MY_TOKENS, headers)).body).toEqual({ data: { myTokens: [expect.anything()] } });
  }, 60_000);
});
