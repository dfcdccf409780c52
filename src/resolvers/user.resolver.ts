import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import {
  changeOwnPassword,
  createUser,
  findUserById,
  findUserByUsername,
  listUsers,
  setUserActive,
} from '../accounts/users';
import { type Principal, tokenOf } from '../authentication/principal';
import type { Context } from '../context';
import { ManagesCredentials } from '../tokens/scopes';
import { parseId } from '../database/ids';
import { NotFound, PermissionDenied } from '../errors';
import { canManageUser } from '../permissions/can-manage-user';
import { callerOf } from '../permissions/caller';
import { IsAdmin, IsAuthenticated } from '../permissions/directives';
import { type Connection, parsePage, toConnection } from './pagination';
import { PageArgs, UserConnection } from './types/connection.types';
import { ChangePasswordArgs, CreateUserArgs, SetUserActiveArgs } from './types/user.args';
import { UserType } from './types/user.type';

@Resolver()
export class UserResolver {
  @IsAuthenticated()
  @Query(() => UserType, { nullable: true, description: 'The authenticated caller.' })
  me(@Ctx() context: Context): Principal {
    return callerOf(context);
  }

  @IsAdmin()
  @ManagesCredentials()
  @Query(() => UserConnection, { nullable: true, description: 'Staff only: every user, by id.' })
  async users(@Args(() => PageArgs) args: PageArgs, @Ctx() context: Context): Promise<Connection<Principal>> {
    const page = parsePage('users', args);
    const users = await listUsers(context.em, { afterId: page.afterId, limit: page.size + 1 });
    return toConnection('users', page, users);
  }

  @IsAdmin()
  @ManagesCredentials()
  @Query(() => UserType, { nullable: true, description: 'Staff only: the user with this username, or null.' })
  user(@Arg('username', () => String) username: string, @Ctx() context: Context): Promise<Principal | null> {
    return findUserByUsername(context.em, username);
  }

  @IsAuthenticated()
  @ManagesCredentials()
  @Mutation(() => Boolean, {
    nullable: true,
    description: "Changes the caller's password and revokes all their other tokens; this one stays valid.",
  })
  async changePassword(
    @Args(() => ChangePasswordArgs) { currentPassword, newPassword }: ChangePasswordArgs,
    @Ctx() context: Context,
  ): Promise<boolean> {
    const user = callerOf(context);
    const keepTokenId = tokenOf(context.auth)?.id ?? null;
    await changeOwnPassword(context.em, context.services, {
      user,
      currentPassword,
      newPassword,
      keepTokenId,
      clientAddress: context.client.address,
    });
    return true;
  }

  @IsAdmin()
  @ManagesCredentials()
  @Mutation(() => UserType, { nullable: true, description: 'Staff only: creates a user.' })
  createUser(@Args(() => CreateUserArgs) args: CreateUserArgs, @Ctx() context: Context): Promise<Principal> {
    return createUser(context.em, context.services, args, callerOf(context));
  }

  @IsAdmin()
  @ManagesCredentials()
  @Mutation(() => UserType, {
    nullable: true,
    description: "Staff only: activates or deactivates a user; a deactivated user's tokens stop working.",
  })
  async setUserActive(
    @Args(() => SetUserActiveArgs) { id, active }: SetUserActiveArgs,
    @Ctx() context: Context,
  ): Promise<Principal> {
    const staff = callerOf(context);
    const target = await findUserById(context.em, parseId(id));
    if (!target) throw new NotFound('No user has this id.');
    if (!canManageUser(staff, target))
      throw new PermissionDenied("Only a superuser can change a superuser's status.");
    return setUserActive(context.em, context.services, { actor: staff, userId: target.id, active });
  }
}
