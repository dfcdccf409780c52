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

@ArgsType()
export class ScopedTokenArgs {
  @Field(() => [String], {
    description:
      'Root fields the token may run, such as Query.me or Mutation.createTrack; Query.* for every query.',
  })
  scopes!: string[];

  @Field(() => Int, {
    nullable: true,
    description: 'Lifetime in seconds; default 3600, at most 86400 (configurable).',
  })
  maxAgeSeconds?: number | null;

  @Field(() => String, { nullable: true, description: 'Who it is for, at most 200 printable characters.' })
  recipient?: string | null;
}
