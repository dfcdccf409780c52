import { createUser } from '../../accounts/users';
import type { Command, CommandContext } from '../command';
import { CommandError } from '../command';
import { parseCommandArgs } from '../parse-args';

const OPTIONS = {
  username: { type: 'string' },
  email: { type: 'string' },
  'no-input': { type: 'boolean' },
  staff: { type: 'boolean' },
} as const;

async function runCreateUser(context: CommandContext, usage: string, superuser: boolean) {
  const { values } = parseCommandArgs(context.args, OPTIONS, usage);
  const noInput = values['no-input'] ?? false;
  const username =
    values.username ?? (noInput ? missing('--username') : await context.io.prompt('Username: '));
  const email = values.email ?? (noInput ? '' : await context.io.prompt('Email address: '));
  const password = noInput ? context.cliPassword : await promptNewPassword(context);
  const user = await context.withDatabase((orm, services) =>
    createUser(orm.em.fork(), services, {
      username: username.trim(),
      email: email.trim(),
      password,
      isStaff: superuser || (values.staff ?? false),
      isSuperuser: superuser,
    }),
  );
  context.io.out(`${superuser ? 'Superuser' : 'User'} "${user.username}" created.`);
  if (password === null) {
    context.io.out(
      'It has no usable password (TOKENGATE_PASSWORD was not set); set one with changepassword.',
    );
  }
}

export async function promptNewPassword(context: CommandContext): Promise<string> {
  const password = await context.io.prompt('Password: ', { hidden: true });
  const again = await context.io.prompt('Password (again): ', { hidden: true });
  if (password !== again) throw new CommandError("The two passwords didn't match.");
  return password;
}

function missing(option: string): never {
  throw new CommandError(`${option} is required with --no-input.`, 2);
}

export const createSuperuserCommand: Command = {
  name: 'createsuperuser',
  usage:
    'createsuperuser [--username U] [--email E] [--no-input]   (password from TOKENGATE_PASSWORD with --no-input)',
  summary: 'Create an administrator (staff and superuser).',
  run(context) {
    return runCreateUser(context, this.usage, true);
  },
};

export const createUserCommand: Command = {
  name: 'createuser',
  usage:
    'createuser [--username U] [--email E] [--staff] [--no-input]   (password from TOKENGATE_PASSWORD with --no-input)',
  summary: 'Create a user.',
  run(context) {
    return runCreateUser(context, this.usage, false);
  },
};
