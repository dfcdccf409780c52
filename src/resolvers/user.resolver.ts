import { Ctx, Query, Resolver } from 'type-graphql';
import { requireUser } from '../auth/guards';
import type { Context } from '../context';
import { User } from '../entities/user.entity';

@Resolver()
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The authenticated caller.' })
  me(@Ctx() context: Context): User {
    return requireUser(context);
  }
}
