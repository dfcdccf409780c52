import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import {
  type RunningPostgres,
  recreateDatabase,
  startEmbeddedPostgres,
} from '../../src/database/embedded-postgres';
import { MANAGE_SCRIPT, TEST_DATA_DIR, TEST_DATABASE_ENV, TEST_POSTGRES_PORT } from './test-database';

declare global {
  var embeddedTestPostgres: RunningPostgres | undefined;
}

/**
 * One real PostgreSQL for the whole run: the tests' own embedded server by default, or, when DATABASE_URL is
 * set, a `<name>_test` database beside the one it names (as Django's test runner does). Either way the test
 * database is dropped and re-created, then migrated.
 */
export default async function globalSetup(): Promise<void> {
  let url: string;
  if (process.env.DATABASE_URL) {
    const target = new URL(process.env.DATABASE_URL);
    target.pathname = `${target.pathname}_test`;
    url = target.toString();
  } else {
    globalThis.embeddedTestPostgres = await startEmbeddedPostgres({
      dataDir: TEST_DATA_DIR,
      port: TEST_POSTGRES_PORT,
      database: 'tokengate_test',
      allowAttach: false,
      log: (message) => console.log(message),
    });
    url = globalThis.embeddedTestPostgres.url;
  }
  await recreateDatabase(url);
  // Migrate in a child process: an ORM started here would leave its metadata on the real global, where the
  // test files' sandboxes trip over it (mikro-orm#3783).
  execFileSync(process.execPath, [MANAGE_SCRIPT, 'migrate'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'inherit',
  });
  process.env[TEST_DATABASE_ENV] = url;
}
