import { findUserByUsername } from '../../accounts/users';
import { buildGraphQLSchema } from '../../schema';
import { createLoginToken } from '../../tokens/api-tokens';
import { createBearerToken } from '../../tokens/bearer-tokens';
import { createScopedToken } from '../../tokens/scoped-tokens';
import { scopeCatalogOf } from '../../tokens/scopes';
import { type Command, CommandError } from '../command';
import { parseCommandArgs } from '../parse-args';
import { userNotFound } from './user-not-found';

const OPTIONS = {
  rotate: { type: 'boolean', short: 'r' },
  bearer: { type: 'boolean' },
  name: { type: 'string' },
  days: { type: 'string' },
  scoped: { type: 'boolean' },
  scope: { type: 'string', multiple: true },
  seconds: { type: 'string' },
  recipient: { type: 'string' },
} as const;

export const tokenCreateCommand: Command = {
  name: 'token:create',
  usage:
    'token:create USERNAME [-r|--rotate] [--bearer --name NAME [--days DAYS]] [--scoped --scope Query.me [--scope ...] [--seconds N] [--recipient R]]',
  summary:
    "Issue a login token (DRF's drf_create_token), a named bearer token (--bearer) or a scoped token (--scoped); -r revokes the user's tokens of that kind first.",
  async run(context) {
    const { values, positionals } = parseCommandArgs(context.args, OPTIONS, this.usage, 1);
    const username = positionals[0]!;
    if (values.bearer && values.scoped) throw new CommandError('Choose --bearer or --scoped, not both.', 2);
    if (values.bearer && values.name === undefined) throw new CommandError('--bearer needs --name NAME.', 2);
    if (!values.bearer && (values.name !== undefined || values.days !== undefined)) {
      throw new CommandError('--name and --days go with --bearer.', 2);
    }
    const scopedOnly = [values.scope, values.seconds, values.recipient].some((value) => value !== undefined);
    if (!values.scoped && scopedOnly)
      throw new CommandError('--scope, --seconds and --recipient go with --scoped.', 2);
    if (values.scoped && !values.scope) throw new CommandError('--scoped needs at least one --scope.', 2);
    if (values.scoped && values.rotate)
      throw new CommandError('Scoped tokens are not rotated; -r goes with the others.', 2);
    for (const [option, value] of [
      ['--days', values.days],
      ['--seconds', values.seconds],
    ] as const) {
      if (value !== undefined && !/^\d+$/.test(value))
        throw new CommandError(`${option} takes a whole number.`, 2);
    }
    const replaceExisting = values.rotate ?? false;
    const catalog = values.scoped ? scopeCatalogOf(await buildGraphQLSchema()) : null;

    const issued = await context.withDatabase(async (orm, services) => {
      const em = orm.em.fork();
      const user = (await findUserByUsername(em, username)) ?? userNotFound(username);
      if (catalog) {
        return createScopedToken(em, services, catalog, {
          owner: user,
          scopes: values.scope!,
          maxAgeSeconds: values.seconds === undefined ? null : Number(values.seconds),
          recipient: values.recipient ?? null,
          issuingToken: null,
        });
      }
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
