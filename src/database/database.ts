import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { initOrm } from './orm';

const EMBEDDED_DATABASE_NAME = 'tokengate';

export class DatabaseUnavailable extends Error {}

/**
 * Driver codes of a database that is down, restarting, refusing connections or too slow: node's socket errors,
 * and PostgreSQL's connection (08), shutdown (57P0x), statement timeout (57014) and too-many-connections classes.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '57014',
  '57P01',
  '57P02',
  '57P03',
]);
/** What knex and node-postgres say, without a code, when the pool cannot get or keep a connection. */
const UNAVAILABLE_MESSAGES =
  /Timeout acquiring a connection|Unable to acquire a connection|Connection terminated|connection timeout|Connection ended|Client has encountered a connection error|Client was closed|Query read timeout/i;

/** Whether `error` means the database cannot serve now (retry later), as opposed to a bug or a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGES.test(error.message);
}

export interface Database {
  orm: MikroORM;
  /** Where the data lives, for start-up messages; never includes the password. */
  description: string;
  /** Whether it answered when opened (always, unless tolerateOutage). */
  reachable: boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Reuse an embedded server that a running tokengate started (CLI commands do; a second server must not). */
  allowAttach: boolean;
  log: (message: string) => void;
  /**
   * Return even when DATABASE_URL does not answer (the server, which then answers 503 until it does); the CLI
   * fails at once instead.
   */
  tolerateOutage?: boolean;
}

/** Connects to DATABASE_URL, or starts (or attaches to) the embedded PostgreSQL when it is not set. */
export async function openDatabase(config: Config, options: OpenDatabaseOptions): Promise<Database> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPostgresPort,
        database: EMBEDDED_DATABASE_NAME,
        ...options,
      });
  const url = new URL(config.databaseUrl ?? embedded!.url);
  const description = `${embedded ? 'embedded PostgreSQL' : 'PostgreSQL'} at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  const tolerateOutage = Boolean(options.tolerateOutage && !embedded);
  const orm = await initOrm(url.toString(), config, { connect: !tolerateOutage }).catch(
    async (error: unknown) => {
      await embedded?.stop();
      throw new DatabaseUnavailable(`Could not connect to ${description}: ${(error as Error).message}`);
    },
  );
  const connection = await orm.checkConnection();
  if (!connection.ok && tolerateOutage) {
    options.log(
      `Could not connect to ${description} (${connection.reason}); answering 503 until it answers.`,
    );
  } else if (!connection.ok) {
    await orm.close();
    await embedded?.stop();
    throw new DatabaseUnavailable(`Could not connect to ${description}: ${connection.reason}`);
  }
  return {
    orm,
    description,
    reachable: connection.ok,
    close: async () => {
      await orm.close();
      await embedded?.stop();
    },
  };
}
