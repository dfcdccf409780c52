import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { revokeToken, rotateToken } from '../tokens/api-tokens';
import { requireToken } from '../permissions/guards';
import { logIn } from '../accounts/login';
import { authStateChanged, type Context } from '../context';
import { INVALID_TOKEN_MESSAGE, NotAuthenticated } from '../errors';
import { LoginArgs } from './types/login.args';
import { LoginPayload } from './types/login.payload';

@Resolver()
export class AuthResolver {
  @Mutation(() => LoginPayload, {
    nullable: true,
    description: 'Exchanges a username and password for a new login token. Null, with an error, on failure.',
  })
  async login(
    @Args(() => LoginArgs) { username, password }: LoginArgs,
    @Ctx() context: Context,
  ): Promise<LoginPayload> {
    const issued = await logIn(context.em, context.services, {
      username,
      password,
      clientName: context.client.userAgent,
    });
    return authStateChanged(context, LoginPayload.from(issued));
  }

  @Mutation(() => LoginPayload, {
    description:
      'Replaces the token used for this request with a new one of the same kind; the old one stops working at once.',
  })
  async rotateToken(@Ctx() context: Context): Promise<LoginPayload> {
    const { auth } = requireToken(context);
    const rotated = await rotateToken(context.em, auth.token.id, {
      loginLifetimeDays: context.services.config.loginTokenLifetimeDays,
      now: context.services.clock.now(),
    });
    if (!rotated) throw new NotAuthenticated(INVALID_TOKEN_MESSAGE);
    return authStateChanged(context, LoginPayload.from(rotated));
  }

  @Mutation(() => Boolean, { description: 'Revokes the token used for this request.' })
  async logout(@Ctx() context: Context): Promise<boolean> {
    const { auth } = requireToken(context);
    return authStateChanged(
      context,
      await revokeToken(context.em, auth.token.id, context.services.clock.now()),
    );
  }
}
