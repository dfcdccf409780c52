import 'reflect-metadata';
import { loadConfig, readCliPassword } from '../config';
import { openDatabase } from '../database/database';
import { migrate } from '../database/orm';
import { explainFailure } from '../expected-errors';
import { createLogger, createServices } from '../services';
import { type CliIo, type Command, type CommandContext, CommandError } from './command';
import { terminalIo } from './terminal-io';
import { changePasswordCommand } from './commands/change-password.command';
import { createSuperuserCommand, createUserCommand } from './commands/create-user.command';
import { checkCommand, makeMigrationsCommand, schemaCommand } from './commands/dev.commands';
import { migrateCommand } from './commands/migrate.command';
import { tokenCreateCommand } from './commands/token-create.command';
import { tokenListCommand } from './commands/token-list.command';
import { tokenRevokeCommand } from './commands/token-revoke.command';

const COMMANDS: Command[] = [
  migrateCommand,
  createSuperuserCommand,
  createUserCommand,
  changePasswordCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenRevokeCommand,
  makeMigrationsCommand,
  schemaCommand,
  checkCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Usage: npm run manage -- <command> [options]',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
  ].join('\n');
}

/** Runs one command and returns the process exit status. */
async function runManage(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    io.out(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`Unknown command "${name}". Run "npm run manage -- help" for the list.`);
    return 2;
  }
  try {
    const config = loadConfig();
    const context: CommandContext = {
      args,
      io,
      config,
      cliPassword: readCliPassword(),
      withDatabase: async (work) => {
        // Commands print what they did on standard output; the log (warnings and audit events) goes to standard error.
        const services = createServices(config, { log: createLogger({ ...config, logLevel: 'warn' }, 2) });
        const database = await openDatabase(config, { allowAttach: true, log: (message) => io.err(message) });
        try {
          // Like `npm start`, every command brings the schema up to date first, so a fresh checkout just works.
          if (command !== migrateCommand) {
            const applied = await migrate(database.orm);
            if (applied.length) io.err(`Applied ${applied.join(', ')}.`);
          }
          return await work(database.orm, services);
        } finally {
          await database.close();
          await services.passwords.close();
        }
      },
    };
    await command.run(context);
    return 0;
  } catch (error) {
    if (error instanceof CommandError) {
      io.err(error.message);
      return error.exitCode;
    }
    io.err(explainFailure(name, error));
    return 1;
  }
}

if (require.main === module) {
  runManage(process.argv.slice(2), terminalIo).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
