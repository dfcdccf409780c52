import { MikroORM } from '@mikro-orm/postgresql';
import ormConfig from '../../mikro-orm.config';
import type { Config } from '../config';

/** `connect: false` makes the ORM without touching the database: its pool connects on first use. */
export async function initOrm(
  url: string,
  config: Pick<Config, 'databasePoolSize' | 'databaseTimeoutMs'>,
  options: { connect?: boolean } = {},
) {
  return MikroORM.init({
    ...ormConfig,
    clientUrl: url,
    connect: options.connect ?? true,
    debug: false,
    // knex waits 60 s for a pooled connection by default: a frozen database would hang every request.
    pool: { min: 0, max: config.databasePoolSize, acquireTimeoutMillis: config.databaseTimeoutMs },
    driverOptions: {
      connection: {
        connectionTimeoutMillis: config.databaseTimeoutMs,
        statement_timeout: config.databaseTimeoutMs,
        // The server enforces statement_timeout only while it runs: a frozen or unreachable one never answers.
        query_timeout: config.databaseTimeoutMs + 1_000,
        application_name: 'tokengate',
      },
    },
  });
}

/** Applies pending migrations; returns the names of those it applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}
