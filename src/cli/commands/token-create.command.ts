import { findUserByUsername } from '../../accounts/users';
import { createLoginToken } from '../../tokens/api-tokens';
import { createBearerToken } from '../../tokens/bearer-tokens';
import { type Command, CommandError } from '../command';
import { parseCommandArgs } from '../parse-args';
import { userNotFound } from './user-not-found';

export const tokenCreateCommand: Command = {
  name: 'token:create',
  usage: 'token:create USERNAME [-r|--rotate] [--bearer --name NAME [--days DAYS]]',
  summary:
    "Issue a login token (DRF's drf_create_token) or, with --bearer, a named bearer token; -r revokes the user's tokens of that kind first.",
  async run(context) {
    const { values, positionals } = parseCommandArgs(
      context.args,
      {
        rotate: { type: 'boolean', short: 'r' },
        bearer: { type: 'boolean' },
        name: { type: 'string' },
        days: { type: 'string' },
      },
      this.usage,
      1,
    );
    const username = positionals[0]!;
    if (values.bearer && values.name === undefined) throw new CommandError('--bearer needs --name NAME.', 2);
    if (!values.bearer && (values.name !== undefined || values.days !== undefined)) {
      throw new CommandError('--name and --days go with --bearer.', 2);
    }
    if (values.days !== undefined && !/^\d+$/.test(values.days))
      throw new CommandError('--days takes a whole number.', 2);
    const replaceExisting = values.rotate ?? false;

    const issued = await context.withDatabase(async (orm, services) => {
      const em = orm.em.fork();
      const user = (await findUserByUsername(em, username)) ?? userNotFound(username);
      if (!values.bearer) {
        return createLoginToken(em, services, {
          userId: user.id,
          name: 'manage token:create',
          replaceExisting,
        });
      }
      const expiresInDays = values.days === undefined ? null : Number(values.days);
      return createBearerToken(em, services, {
        ownerId: user.id,
        name: values.name!,
        expiresInDays,
        actor: null,
        issuingToken: null,
        replaceExisting,
      });
    });
    context.io.out(`Generated token ${issued.plaintext} for user ${username}`);
  },
};
