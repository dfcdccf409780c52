import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TokenKind } from '../../entities/api-token.entity';
import { AllowAny } from '../../permissions/directives';
import type { IssuedToken, TokenRecord } from '../../tokens/api-tokens';

registerEnumType(TokenKind, {
  name: 'TokenKind',
  description:
    'LOGIN tokens come from `login` (send as `Token`); BEARER tokens are named personal tokens (send as `Bearer`); SCOPED tokens come from `scopedToken` (send as `TmpToken`).',
});

@AllowAny()
@ObjectType({ description: 'The staff member who issued a token for someone else.' })
export class TokenCreator {
  @Field(() => ID)
  id!: number;

  @Field(() => String)
  username!: string;
}

@AllowAny()
@ObjectType({ description: 'What can be shown of a token: never its secret or digest.' })
export class TokenInfo {
  @Field(() => ID, { description: 'Pass it to `revokeToken`.' })
  id!: number;

  @Field(() => TokenKind)
  kind!: TokenKind;

  @Field(() => String, { description: "A bearer token's name, or a login token's client (its user agent)." })
  name!: string;

  @Field(() => String, {
    description: 'A short part of the token, to recognise it (a scoped token: its end).',
  })
  prefix!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => TokenCreator, {
    nullable: true,
    description: 'Set when staff issued the token for its owner.',
  })
  createdBy!: TokenCreator | null;

  @Field(() => [String], { nullable: true, description: "A scoped token's scopes." })
  scopes!: string[] | null;

  @Field(() => String, { nullable: true, description: 'Who a scoped token was for.' })
  recipient!: string | null;

  @Field(() => Boolean, { description: 'This is the token that authenticated the current request.' })
  isCurrent!: boolean;

  static from(token: TokenRecord, currentTokenId: number | null = null): TokenInfo {
    return Object.assign(new TokenInfo(), { ...token, isCurrent: token.id === currentTokenId });
  }
}

@AllowAny()
@ObjectType({ description: 'A new bearer token. The token is shown only here, once: store it now.' })
export class BearerTokenPayload {
  @Field(() => String, { description: 'Send it as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field(() => TokenInfo)
  info!: TokenInfo;

  static from(issued: IssuedToken): BearerTokenPayload {
    return Object.assign(new BearerTokenPayload(), {
      token: issued.plaintext,
      info: TokenInfo.from(issued.token),
    });
  }
}

@AllowAny()
@ObjectType({ description: 'A new scoped token. The token is shown only here, once.' })
export class ScopedTokenPayload {
  @Field(() => String, { description: 'Send it as `Authorization: TmpToken <token>`.' })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => String, { nullable: true })
  recipient!: string | null;

  @Field(() => TokenInfo)
  info!: TokenInfo;

  static from(issued: IssuedToken): ScopedTokenPayload {
    return Object.assign(new ScopedTokenPayload(), {
      token: issued.plaintext,
      expiresAt: issued.token.expiresAt,
      scopes: issued.token.scopes ?? [],
      recipient: issued.token.recipient,
      info: TokenInfo.from(issued.token),
    });
  }
}
