import { findUserByUsername } from '../../auth/accounts';
import { daysFrom, issueToken, revokeUserTokens } from '../../auth/api-tokens';
import { TokenKind } from '../../entities/api-token.entity';
import type { Command } from '../command';
import { parseCommandArgs } from '../parse-args';

export const tokenCreateCommand: Command = {
  name: 'token:create',
  usage: 'token:create USERNAME [-r|--rotate]',
  summary:
    "Issue a login token for a user (DRF's drf_create_token); --rotate revokes their login tokens first.",
  async run(context) {
    const { values, positionals } = parseCommandArgs(
      context.args,
      { rotate: { type: 'boolean', short: 'r' } },
      this.usage,
      1,
    );
    const username = positionals[0]!;
    const issued = await context.withDatabase((orm, services) =>
      orm.em.fork().transactional(async (em) => {
        const user = await findUserByUsername(em, username);
        const now = services.clock.now();
        if (values.rotate) await revokeUserTokens(em, user.id, now, { kind: TokenKind.LOGIN });
        return issueToken(em, user, {
          kind: TokenKind.LOGIN,
          name: 'manage token:create',
          now,
          expiresAt: daysFrom(now, services.config.loginTokenLifetimeDays),
        });
      }),
    );
    context.io.out(`Generated token ${issued.plaintext} for user ${username}`);
  },
};
