import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { initOrm } from './orm';

const EMBEDDED_DATABASE_NAME = 'tokengate';

export class DatabaseUnavailable extends Error {}

export interface Database {
  orm: MikroORM;
  /** Where the data lives, for start-up messages; never includes the password. */
  description: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Reuse an embedded server that a running tokengate started (CLI commands do; a second server must not). */
  allowAttach: boolean;
  log: (message: string) => void;
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
  const orm = await initOrm(url.toString(), config).catch(async (error: unknown) => {
    await embedded?.stop();
    throw new DatabaseUnavailable(`Could not connect to ${description}: ${(error as Error).message}`);
  });
  const connection = await orm.checkConnection();
  if (!connection.ok) {
    await orm.close();
    await embedded?.stop();
    throw new DatabaseUnavailable(`Could not connect to ${description}: ${connection.reason}`);
  }
  return {
    orm,
    description,
    close: async () => {
      await orm.close();
      await embedded?.stop();
    },
  };
}
