import 'reflect-metadata';
import { buildApp, GRAPHQL_PATH } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './database/database';
import { migrateWhenReachable } from './database/migrate-when-reachable';
import { explainFailure } from './expected-errors';
import { createServices } from './services';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = (message: string) => console.log(`[tokengate] ${message}`);
  const database = await openDatabase(config, { allowAttach: false, log, tolerateOutage: true });
  let stopping = false;
  let databaseReady = false;
  const migration = migrateWhenReachable(database.orm, { retryMs: 2000, stopped: () => stopping }).then(
    (applied) => {
      if (!applied) return;
      databaseReady = true;
      log(
        `Using ${database.description}; ${applied.length ? `applied migrations ${applied.join(', ')}` : 'no pending migrations'}.`,
      );
    },
  );
  // Normally the schema is current before the first request; a server started during an outage serves 503 and
  // migrates when the database is back.
  if (database.reachable) await migration;
  else {
    migration.catch((error: unknown) => {
      console.error(`[tokengate] ${explainFailure('Migration', error)}`);
      process.exit(1);
    });
  }

  const services = createServices(config);
  const app = await buildApp(database.orm, services, { databaseReady: () => databaseReady });
  const shutdown = async () => {
    await app.close();
    await services.passwords.close();
    await database.close();
  };
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await shutdown();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(
        `Port ${config.port} is already in use by another program; set PORT to a free port.`,
      );
    }
    throw error;
  }
  // A failure here is retried by the first check that needs the dummy hash; it must not stop the server.
  services.passwords
    .warmUp()
    .catch(() => log('Could not prepare the password hasher; it will retry on first use.'));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log(`GraphQL ready at http://${config.host}:${port}${GRAPHQL_PATH}`);

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: finishing in-flight requests and stopping.`);
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[tokengate] ${explainFailure('Shutdown', error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`[tokengate] ${explainFailure('Start-up', error)}`);
  process.exit(1);
});
