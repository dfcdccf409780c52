import { findUserByUsername, lockUser } from '../../accounts/users';
import { daysFrom, type IssuedToken, issueToken, revokeUserTokens } from '../../tokens/api-tokens';
import { createBearerToken } from '../../tokens/bearer-tokens';
import { TokenKind } from '../../entities/api-token.entity';
import { type Command, CommandError } from '../command';
import { parseCommandArgs } from '../parse-args';

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
    const kind = values.bearer ? TokenKind.BEARER : TokenKind.LOGIN;
    if (kind === TokenKind.BEARER && values.name === undefined)
      throw new CommandError('--bearer needs --name NAME.', 2);
    if (kind === TokenKind.LOGIN && (values.name !== undefined || values.days !== undefined)) {
      throw new CommandError('--name and --days go with --bearer.', 2);
    }
    if (values.days !== undefined && !/^\d+$/.test(values.days))
      throw new CommandError('--days takes a whole number.', 2);

    const issued = await context.withDatabase((orm, services) =>
      orm.em.fork().transactional(async (em): Promise<IssuedToken> => {
        const user = await findUserByUsername(em, username);
        if (!(await lockUser(em, user.id))) throw new CommandError(`User "${username}" is inactive.`);
        const now = services.clock.now();
        if (values.rotate) await revokeUserTokens(em, user.id, now, { kind });
        if (kind === TokenKind.LOGIN) {
          const expiresAt = daysFrom(now, services.config.loginTokenLifetimeDays);
          return issueToken(em, user, { kind, name: 'manage token:create', now, expiresAt });
        }
        return createBearerToken(em, services.config, {
          owner: user,
          name: values.name!,
          expiresInDays: values.days === undefined ? null : Number(values.days),
          createdBy: null,
          notAfter: null,
          issuingTokenId: null,
          now,
        });
      }),
    );
    context.io.out(`Generated token ${issued.plaintext} for user ${username}`);
  },
};
