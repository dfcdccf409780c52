import { parseId } from '../../database/ids';
import { revokeToken } from '../../tokens/api-tokens';
import { type Command, CommandError } from '../command';
import { parseCommandArgs } from '../parse-args';

export const tokenRevokeCommand: Command = {
  name: 'token:revoke',
  usage: 'token:revoke TOKEN_ID',
  summary: 'Revoke a token by the id token:list shows.',
  async run(context) {
    const { positionals } = parseCommandArgs(context.args, {}, this.usage, 1);
    const id = positionals[0]!;
    const tokenId = parseId(id);
    if (tokenId === null) throw new CommandError('TOKEN_ID is the number token:list shows.', 2);
    const revoked = await context.withDatabase((orm, services) =>
      revokeToken(orm.em.fork(), services, { tokenId, actor: null }),
    );
    if (!revoked) throw new CommandError(`No live token has the id ${id}.`);
    context.io.out(`Revoked token ${id}.`);
  },
};
