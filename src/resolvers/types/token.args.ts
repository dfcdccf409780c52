import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class CreateBearerTokenArgs {
  @Field(() => String, { description: '1-100 printable characters, to recognise the token later.' })
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Lifetime in days; default 56, at most 365 (configurable).',
  })
  expiresInDays?: number | null;

  @Field(() => ID, { nullable: true, description: 'Staff only: issue the token for this user.' })
  forUserId?: string | null;
}
