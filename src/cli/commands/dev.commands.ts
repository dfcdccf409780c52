/**
 * Commands for developers of tokengate itself: generating migrations and schema.graphql, and `check`, which
 * CI runs to make sure both are committed and current. `check` reads the entities, the committed migration
 * snapshot and the resolvers, never a database.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import ormConfig from '../../../mikro-orm.config';
import { PROJECT_ROOT } from '../../config';
import { printSchemaWithPermissions } from '../../permissions/directives';
import { buildGraphQLSchema } from '../../schema';
import { type Command, CommandError } from '../command';
import { parseCommandArgs } from '../parse-args';

const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema.graphql');
const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'src/migrations');

async function renderSchema(): Promise<string> {
  return `${printSchemaWithPermissions(await buildGraphQLSchema())}\n`;
}

/** An ORM that knows the entities and the committed snapshot but never connects. */
function offlineOrm() {
  return MikroORM.init({ ...ormConfig, clientUrl: 'postgres://offline@127.0.0.1:1/offline', connect: false });
}

export const schemaCommand: Command = {
  name: 'schema',
  usage: 'schema',
  summary: 'Write schema.graphql from the resolvers.',
  async run({ args, io }) {
    parseCommandArgs(args, {}, this.usage);
    await fs.writeFile(SCHEMA_FILE, await renderSchema());
    io.out(`Wrote ${path.relative(PROJECT_ROOT, SCHEMA_FILE)}.`);
  },
};

export const makeMigrationsCommand: Command = {
  name: 'makemigrations',
  usage: 'makemigrations',
  summary: 'Generate a migration for entity changes (and update src/migrations/index.ts).',
  async run({ args, io, withDatabase }) {
    parseCommandArgs(args, {}, this.usage);
    // The database is only read when there is no snapshot yet, i.e. for the very first migration.
    const created = await withDatabase((orm) => orm.getMigrator().createMigration());
    if (!created.fileName) return io.out('No changes detected.');
    await writeMigrationIndex();
    io.out(`Created src/migrations/${created.fileName}.`);
  },
};

export const checkCommand: Command = {
  name: 'check',
  usage: 'check',
  summary: 'Fail when schema.graphql is stale or the entities have changes without a migration.',
  async run({ args, io }) {
    parseCommandArgs(args, {}, this.usage);
    const committed = await fs.readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    if (committed !== (await renderSchema())) {
      throw new CommandError('schema.graphql is stale: run `npm run manage -- schema` and commit it.');
    }
    const orm = await offlineOrm();
    try {
      if (await orm.getMigrator().checkMigrationNeeded()) {
        throw new CommandError(
          'The entities have changes without a migration: run `npm run manage -- makemigrations`.',
        );
      }
    } finally {
      await orm.close();
    }
    io.out('schema.graphql and migrations are current.');
  },
};

async function writeMigrationIndex() {
  const names = (await fs.readdir(MIGRATIONS_DIR))
    .filter((file) => /^Migration\d{14}.*\.ts$/.test(file))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
  const source = [
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...names.map((name) => `import { ${name} } from './${name}';`),
    '',
    '/** Every migration, in order. Listed explicitly because folder discovery does not work under every runner. */',
    'export const migrationsList: MigrationObject[] = [',
    ...names.map((name) => `  { name: '${name}', class: ${name} },`),
    '];',
    '',
  ].join('\n');
  await fs.writeFile(path.join(MIGRATIONS_DIR, 'index.ts'), source);
}
