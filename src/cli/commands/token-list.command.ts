import { findUserByUsername } from '../../accounts/users';
import { listLiveTokens } from '../../tokens/api-tokens';
import type { Command } from '../command';
import { parseCommandArgs } from '../parse-args';
import { userNotFound } from './user-not-found';

export const tokenListCommand: Command = {
  name: 'token:list',
  usage: 'token:list USERNAME',
  summary: "List a user's live tokens (never their secrets).",
  async run(context) {
    const { positionals } = parseCommandArgs(context.args, {}, this.usage, 1);
    const rows = await context.withDatabase(async (orm, services) => {
      const em = orm.em.fork();
      const user = (await findUserByUsername(em, positionals[0]!)) ?? userNotFound(positionals[0]!);
      const tokens = await listLiveTokens(em, user.id, services.clock.now());
      return tokens.map((token) => [
        String(token.id),
        token.kind,
        token.prefix,
        token.createdAt.toISOString(),
        token.expiresAt.toISOString(),
        token.lastUsedAt?.toISOString() ?? '-',
        token.createdBy?.username ?? '-',
        token.name,
      ]);
    });
    if (rows.length === 0) return context.io.out('No live tokens.');
    const header = ['ID', 'KIND', 'PREFIX', 'CREATED', 'EXPIRES', 'LAST USED', 'CREATED BY', 'NAME'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => row[column]!.length)),
    );
    for (const row of [header, ...rows]) {
      context.io.out(
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join('  ')
          .trimEnd(),
      );
    }
  },
};
