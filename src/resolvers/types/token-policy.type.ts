import { Field, Int, ObjectType } from 'type-graphql';
import { AllowAny } from '../../permissions/directives';

@AllowAny()
@ObjectType({ description: 'What a scoped token may be given, when the TmpToken scheme is enabled.' })
export class ScopedTokenPolicy {
  @Field(() => Int, { description: 'The longest `maxAgeSeconds` the server accepts.' })
  maxAgeSeconds!: number;

  @Field(() => [String], { description: 'Every root field a scoped token may be granted, such as Query.me.' })
  scopes!: string[];
}

@AllowAny()
@ObjectType({
  description: "The server's limits on tokens, for a form that should not offer what it refuses.",
})
export class TokenPolicy {
  @Field(() => Int, { description: 'The lifetime of a bearer token created without `expiresInDays`.' })
  bearerTokenDefaultDays!: number;

  @Field(() => Int, { description: 'The longest `expiresInDays` of a bearer token.' })
  bearerTokenMaxDays!: number;

  @Field(() => Int, { description: 'How many live bearer tokens a user may have.' })
  bearerTokensPerUser!: number;

  @Field(() => ScopedTokenPolicy, {
    nullable: true,
    description: 'Null when scoped tokens are not accepted.',
  })
  scopedTokens!: ScopedTokenPolicy | null;
}
