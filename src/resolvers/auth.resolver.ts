import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { logIn } from '../accounts/login';
import type { Context } from '../context';
import { ManagesCredentials } from '../tokens/scopes';
import { INVALID_TOKEN_MESSAGE, NotAuthenticated } from '../errors';
import { tokenAuthOf } from '../permissions/caller';
import { AllowAny, IsAuthenticated } from '../permissions/directives';
import { revokeToken, rotateToken } from '../tokens/api-tokens';
import { LoginArgs } from './types/login.args';
import { LoginPayload } from './types/login.payload';

@Resolver()
export class AuthResolver {
  @AllowAny()
  @ManagesCredentials()
  @Mutation(() => LoginPayload, {
    nullable: true,
    description: 'Exchanges a username and password for a new login token. Null, with an error, on failure.',
  })
  async login(
    @Args(() => LoginArgs) { username, password }: LoginArgs,
    @Ctx() context: Context,
  ): Promise<LoginPayload> {
    const { userAgent: clientName, address: clientAddress } = context.client;
    const issued = await logIn(context.em, context.services, {
      username,
      password,
      clientName,
      clientAddress,
    });
    return LoginPayload.from(issued);
  }

  @IsAuthenticated()
  @ManagesCredentials()
  @Mutation(() => LoginPayload, {
    nullable: true,
    description:
      'Replaces the token used for this request with a new one of the same kind; the old one stops working at once.',
  })
  async rotateToken(@Ctx() context: Context): Promise<LoginPayload> {
    const { user, auth } = tokenAuthOf(context);
    const rotated = await rotateToken(context.em, context.services, {
      userId: user.id,
      tokenId: auth.token.id,
    });
    if (!rotated) throw new NotAuthenticated(INVALID_TOKEN_MESSAGE);
    return LoginPayload.from(rotated);
  }

  @IsAuthenticated()
  @ManagesCredentials()
  @Mutation(() => Boolean, { nullable: true, description: 'Revokes the token used for this request.' })
  async logout(@Ctx() context: Context): Promise<boolean> {
    const { user, auth } = tokenAuthOf(context);
    return !!(await revokeToken(context.em, context.services, { tokenId: auth.token.id, actor: user }));
  }
}
