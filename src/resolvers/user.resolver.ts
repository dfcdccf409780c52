import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { changeOwnPassword, createUser, findUserById, setUserActive } from '../accounts/users';
import { requireStaff, requireUser } from '../permissions/guards';
import { canManageUser } from '../permissions/can-manage-user';
import { PermissionDenied } from '../errors';
import { authStateChanged, type Context } from '../context';
import { User } from '../entities/user.entity';
import { parseId } from '../database/ids';
import { ChangePasswordArgs, CreateUserArgs, SetUserActiveArgs } from './types/user.args';

@Resolver()
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The authenticated caller.' })
  me(@Ctx() context: Context): User {
    return requireUser(context);
  }

  @Mutation(() => Boolean, {
    description: "Changes the caller's password and revokes all their other tokens; this one stays valid.",
  })
  async changePassword(
    @Args(() => ChangePasswordArgs) { currentPassword, newPassword }: ChangePasswordArgs,
    @Ctx() context: Context,
  ): Promise<boolean> {
    const user = requireUser(context);
    await changeOwnPassword(context.em, context.services.passwords, {
      user,
      currentPassword,
      newPassword,
      keepTokenId: context.auth?.token.id ?? null,
      now: context.services.clock.now(),
    });
    return authStateChanged(context, true);
  }

  @Mutation(() => User, { description: 'Staff only: creates a user.' })
  async createUser(@Args(() => CreateUserArgs) args: CreateUserArgs, @Ctx() context: Context): Promise<User> {
    const staff = requireStaff(context);
    const user = await createUser(context.em, context.services.passwords, context.services.clock, args);
    context.services.log.info(
      { event: 'user_created', userId: user.id, byUserId: staff.id },
      `${staff.username} created user ${user.username}`,
    );
    return user;
  }

  @Mutation(() => User, {
    description: "Staff only: activates or deactivates a user; a deactivated user's tokens stop working.",
  })
  async setUserActive(
    @Args(() => SetUserActiveArgs) { id, active }: SetUserActiveArgs,
    @Ctx() context: Context,
  ): Promise<User> {
    const staff = requireStaff(context);
    const target = await findUserById(context.em, parseId(id));
    if (!canManageUser(staff, target))
      throw new PermissionDenied("Only a superuser can change a superuser's status.");
    const user = await setUserActive(context.em, {
      actor: staff,
      target,
      active,
      now: context.services.clock.now(),
    });
    context.services.log.info(
      { event: 'user_active_set', userId: user.id, active, byUserId: staff.id },
      `${staff.username} ${active ? 'activated' : 'deactivated'} user ${user.username}`,
    );
    return authStateChanged(context, user);
  }
}
