import { findUserByUsername, resetPassword } from '../../accounts/users';
import { type Command, CommandError } from '../command';
import { userNotFound } from './user-not-found';
import { parseCommandArgs } from '../parse-args';
import { promptNewPassword } from './create-user.command';

export const changePasswordCommand: Command = {
  name: 'changepassword',
  usage: 'changepassword USERNAME [--no-input]   (password from TOKENGATE_PASSWORD with --no-input)',
  summary: "Set a user's password and revoke all their tokens.",
  async run(context) {
    const { values, positionals } = parseCommandArgs(
      context.args,
      { 'no-input': { type: 'boolean' } },
      this.usage,
      1,
    );
    const username = positionals[0]!;
    const noInput = values['no-input'] ?? false;
    if (noInput && context.cliPassword === null) {
      throw new CommandError('Set TOKENGATE_PASSWORD to use changepassword with --no-input.', 2);
    }
    const password = noInput ? context.cliPassword! : await promptNewPassword(context);
    const revoked = await context.withDatabase(async (orm, services) => {
      const em = orm.em.fork();
      const user = (await findUserByUsername(em, username)) ?? userNotFound(username);
      return resetPassword(em, services, { userId: user.id, password });
    });
    context.io.out(`Password changed successfully for user "${username}"; ${revoked} token(s) revoked.`);
  },
};
