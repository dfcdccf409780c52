import { MikroORM } from '@mikro-orm/postgresql';
import ormConfig from '../../mikro-orm.config';
import type { Config } from '../config';

export async function initOrm(url: string, config: Pick<Config, 'databasePoolSize' | 'databaseTimeoutMs'>) {
  return MikroORM.init({
    ...ormConfig,
    clientUrl: url,
    debug: false,
    // knex waits 60 s for a pooled connection by default: a frozen database would hang every request.
    pool: { min: 0, max: config.databasePoolSize, acquireTimeoutMillis: config.databaseTimeoutMs },
    driverOptions: {
      connection: {
        connectionTimeoutMillis: config.databaseTimeoutMs,
        statement_timeout: config.databaseTimeoutMs,
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
