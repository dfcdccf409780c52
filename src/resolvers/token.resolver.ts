import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { findUserById, lockUser } from '../accounts/users';
import { findLiveToken, listLiveTokens, revokeToken, revokeUserTokens } from '../tokens/api-tokens';
import { createBearerToken } from '../tokens/bearer-tokens';
import { requireStaff, requireUser } from '../permissions/guards';
import { canManageUser } from '../permissions/can-manage-user';
import { authStateChanged, type Context } from '../context';
import { TokenKind } from '../entities/api-token.entity';
import { NotFound, PermissionDenied } from '../errors';
import { parseId } from '../database/ids';
import { CreateBearerTokenArgs } from './types/token.args';
import { BearerTokenPayload, TokenInfo } from './types/token-info.payload';

@Resolver()
export class TokenResolver {
  @Mutation(() => BearerTokenPayload, {
    description:
      'Creates a named personal token for scripts (`Authorization: Bearer`). Staff may pass forUserId.',
  })
  async createBearerToken(
    @Args(() => CreateBearerTokenArgs) { name, expiresInDays, forUserId }: CreateBearerTokenArgs,
    @Ctx() context: Context,
  ): Promise<BearerTokenPayload> {
    const caller = requireUser(context);
    if (forUserId != null && !caller.isStaff) throw new PermissionDenied();
    const owner = forUserId == null ? caller : await findUserById(context.em, parseId(forUserId));
    if (!canManageUser(caller, owner))
      throw new PermissionDenied('Only a superuser can issue tokens for a superuser.');
    const createdBy = owner.id === caller.id ? null : caller;
    const current = context.auth?.token;
    const issued = await createBearerToken(context.em, context.services.config, {
      owner,
      name,
      expiresInDays: expiresInDays ?? null,
      createdBy,
      notAfter: current?.kind === TokenKind.BEARER ? current.expiresAt : null,
      issuingTokenId: current?.id ?? null,
      now: context.services.clock.now(),
    });
    context.services.log.info(
      {
        event: 'bearer_token_created',
        tokenId: issued.token.id,
        userId: owner.id,
        createdById: createdBy?.id ?? null,
      },
      createdBy
        ? `${createdBy.username} issued bearer token ${issued.token.prefix} for ${owner.username}`
        : `${owner.username} created bearer token ${issued.token.prefix}`,
    );
    return BearerTokenPayload.from(issued);
  }

  @Query(() => [TokenInfo], { description: "The caller's live login and bearer tokens, newest first." })
  async myTokens(@Ctx() context: Context): Promise<TokenInfo[]> {
    const caller = requireUser(context);
    const tokens = await listLiveTokens(context.em, caller.id, context.services.clock.now());
    return tokens.map((token) => TokenInfo.from(token, context.auth?.token.id));
  }

  @Query(() => [TokenInfo], { description: "Staff only: a user's live tokens." })
  async tokens(@Arg('userId', () => ID) userId: string, @Ctx() context: Context): Promise<TokenInfo[]> {
    const staff = requireStaff(context);
    const user = await findUserById(context.em, parseId(userId));
    if (!canManageUser(staff, user))
      throw new PermissionDenied("Only a superuser can see a superuser's tokens.");
    const tokens = await listLiveTokens(context.em, user.id, context.services.clock.now());
    return tokens.map((token) => TokenInfo.from(token, context.auth?.token.id));
  }

  @Mutation(() => Boolean, { description: "Revokes one of the caller's tokens (staff: anyone's)." })
  async revokeToken(@Arg('id', () => ID) id: string, @Ctx() context: Context): Promise<boolean> {
    const caller = requireUser(context);
    const now = context.services.clock.now();
    const token = await findLiveToken(context.em, parseId(id), now);
    // Someone else's token is answered exactly like an unknown id, unless the caller may manage its owner.
    if (!token || !canManageUser(caller, token.user))
      throw new NotFound('No live token of yours has this id.');
    if (!(await revokeToken(context.em, token.id, now)))
      throw new NotFound('No live token of yours has this id.');
    context.services.log.info(
      { event: 'token_revoked', tokenId: token.id, userId: token.user.id, byUserId: caller.id },
      `${caller.username} revoked token ${token.prefix} of ${token.user.username}`,
    );
    return authStateChanged(context, true);
  }

  @Mutation(() => Int, {
    description: 'Revokes every token of the caller, this one included; returns how many.',
  })
  async logoutAll(@Ctx() context: Context): Promise<number> {
    const caller = requireUser(context);
    const revoked = await context.em.transactional(async (tx) => {
      await lockUser(tx, caller.id);
      return revokeUserTokens(tx, caller.id, context.services.clock.now());
    });
    return authStateChanged(context, revoked);
  }
}
