import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { findUserById } from '../accounts/users';
import { tokenOf } from '../authentication/principal';
import type { Context } from '../context';
import { parseId } from '../database/ids';
import { NotFound, PermissionDenied } from '../errors';
import { canManageUser } from '../permissions/can-manage-user';
import { callerOf } from '../permissions/caller';
import { IsAdmin, IsAuthenticated } from '../permissions/directives';
import { listLiveTokens, revokeAllTokens, revokeToken } from '../tokens/api-tokens';
import { createBearerToken } from '../tokens/bearer-tokens';
import { createScopedToken } from '../tokens/scoped-tokens';
import { ManagesCredentials, scopeCatalogOf } from '../tokens/scopes';
import { CreateBearerTokenArgs, ScopedTokenArgs } from './types/token.args';
import { BearerTokenPayload, ScopedTokenPayload, TokenInfo } from './types/token-info.payload';
import { TokenPolicy } from './types/token-policy.type';

@Resolver()
export class TokenResolver {
  @IsAuthenticated()
  @ManagesCredentials()
  @Mutation(() => BearerTokenPayload, {
    nullable: true,
    description:
      'Creates a named personal token for scripts (`Authorization: Bearer`). Staff may pass forUserId.',
  })
  async createBearerToken(
    @Args(() => CreateBearerTokenArgs) { name, expiresInDays, forUserId }: CreateBearerTokenArgs,
    @Ctx() context: Context,
  ): Promise<BearerTokenPayload> {
    const caller = callerOf(context);
    // Whose token it is depends on an argument: the one rule here that a directive cannot say.
    if (forUserId != null && !caller.isStaff) throw new PermissionDenied();
    const owner = forUserId == null ? caller : await findUserById(context.em, parseId(forUserId));
    if (!owner) throw new NotFound('No user has this id.');
    if (!canManageUser(caller, owner))
      throw new PermissionDenied('Only a superuser can issue tokens for a superuser.');
    const issued = await createBearerToken(context.em, context.services, {
      ownerId: owner.id,
      name,
      expiresInDays: expiresInDays ?? null,
      actor: caller,
      issuingToken: tokenOf(context.auth),
    });
    return BearerTokenPayload.from(issued);
  }

  @IsAuthenticated()
  @ManagesCredentials()
  @Mutation(() => ScopedTokenPayload, {
    nullable: true,
    description:
      'Mints a temporary token (`Authorization: TmpToken`) that may run only the given root fields, for a while, noting who it is for.',
  })
  async scopedToken(
    @Args(() => ScopedTokenArgs) { scopes, maxAgeSeconds, recipient }: ScopedTokenArgs,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ScopedTokenPayload> {
    const issued = await createScopedToken(context.em, context.services, scopeCatalogOf(info.schema), {
      owner: callerOf(context),
      scopes,
      maxAgeSeconds: maxAgeSeconds ?? null,
      recipient: recipient ?? null,
      issuingToken: tokenOf(context.auth),
    });
    return ScopedTokenPayload.from(issued);
  }

  @IsAuthenticated()
  @ManagesCredentials()
  @Query(() => [TokenInfo], {
    nullable: true,
    description: "The caller's live tokens of every kind, newest first.",
  })
  async myTokens(@Ctx() context: Context): Promise<TokenInfo[]> {
    const caller = callerOf(context);
    const tokens = await listLiveTokens(context.em, caller.id, context.services.clock.now());
    return tokens.map((token) => TokenInfo.from(token, tokenOf(context.auth)?.id));
  }

  @IsAuthenticated()
  @Query(() => TokenPolicy, {
    nullable: true,
    description: "The server's limits on the tokens a user may create.",
  })
  tokenPolicy(@Ctx() context: Context, @Info() info: GraphQLResolveInfo): TokenPolicy {
    const { config } = context.services;
    return {
      bearerTokenDefaultDays: config.bearerTokenDefaultDays,
      bearerTokenMaxDays: config.bearerTokenMaxDays,
      bearerTokensPerUser: config.bearerTokensPerUser,
      scopedTokens: config.authSchemes.includes('tmptoken')
        ? {
            maxAgeSeconds: config.scopedTokenMaxAgeSeconds,
            scopes: [...scopeCatalogOf(info.schema).grantable],
          }
        : null,
    };
  }

  @IsAdmin()
  @ManagesCredentials()
  @Query(() => [TokenInfo], { nullable: true, description: "Staff only: a user's live tokens." })
  async tokens(@Arg('userId', () => ID) userId: string, @Ctx() context: Context): Promise<TokenInfo[]> {
    const staff = callerOf(context);
    const user = await findUserById(context.em, parseId(userId));
    if (!user) throw new NotFound('No user has this id.');
    if (!canManageUser(staff, user))
      throw new PermissionDenied("Only a superuser can see a superuser's tokens.");
    const tokens = await listLiveTokens(context.em, user.id, context.services.clock.now());
    return tokens.map((token) => TokenInfo.from(token, tokenOf(context.auth)?.id));
  }

  @IsAuthenticated()
  @ManagesCredentials()
  @Mutation(() => Boolean, {
    nullable: true,
    description: "Revokes one of the caller's tokens (staff: anyone's).",
  })
  async revokeToken(@Arg('id', () => ID) id: string, @Ctx() context: Context): Promise<boolean> {
    const actor = callerOf(context);
    // Someone else's token is answered exactly like an unknown id, unless the caller may manage its owner.
    if (!(await revokeToken(context.em, context.services, { tokenId: parseId(id), actor })))
      throw new NotFound('No live token of yours has this id.');
    return true;
  }

  @IsAuthenticated()
  @ManagesCredentials()
  @Mutation(() => Int, {
    nullable: true,
    description: 'Revokes every token of the caller, this one included; returns how many.',
  })
  logoutAll(@Ctx() context: Context): Promise<number> {
    const actor = callerOf(context);
    return revokeAllTokens(context.em, context.services, { userId: actor.id, actor });
  }
}
