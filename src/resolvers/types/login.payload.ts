import { Field, ObjectType } from 'type-graphql';
import type { Principal } from '../../authentication/principal';
import type { IssuedToken } from '../../tokens/api-tokens';
import { AllowAny } from '../../permissions/directives';
import { UserType } from './user.type';

@AllowAny()
@ObjectType({ description: 'A new token. It is shown only here, once: store it now.' })
export class LoginPayload {
  @Field(() => String, {
    description: 'Send it as `Authorization: Token <token>` (a rotated bearer token: as `Bearer <token>`).',
  })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => UserType)
  user!: Principal;

  static from(issued: IssuedToken): LoginPayload {
    return Object.assign(new LoginPayload(), {
      token: issued.plaintext,
      expiresAt: issued.token.expiresAt,
      user: issued.owner,
    });
  }
}
