import 'reflect-metadata';
import { buildApp, GRAPHQL_PATH } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './database/database';
import { migrate } from './database/orm';
import { explainFailure } from './expected-errors';
import { createServices } from './services';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = (message: string) => console.log(`[tokengate] ${message}`);
  const database = await openDatabase(config, { allowAttach: false, log });
  const applied = await migrate(database.orm);
  log(
    `Using ${database.description}; ${applied.length ? `applied migrations ${applied.join(', ')}` : 'no pending migrations'}.`,
  );

  const services = createServices(config);
  const app = await buildApp(database.orm, services);
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

  let stopping = false;
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
