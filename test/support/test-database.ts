import path from 'node:path';

/** Where the tests' own embedded PostgreSQL keeps its data: apart from the development database. */
export const TEST_DATA_DIR = path.resolve(__dirname, '../../.data/test');
/** TEST_POSTGRES_PORT lets two checkouts run their suites side by side. */
export const TEST_POSTGRES_PORT = Number(process.env.TEST_POSTGRES_PORT ?? 54339);
export const TEST_DATABASE_ENV = 'TOKENGATE_TEST_DATABASE_URL';

export function testDatabaseUrl(): string {
  const url = process.env[TEST_DATABASE_ENV];
  if (!url) throw new Error(`${TEST_DATABASE_ENV} is not set: run the tests with "npm test".`);
  return url;
}

/** The compiled CLI and server: `npm test` builds them first. */
export const MANAGE_SCRIPT = path.resolve(__dirname, '../../dist/src/cli/manage.js');
export const SERVER_SCRIPT = path.resolve(__dirname, '../../dist/src/server.js');
