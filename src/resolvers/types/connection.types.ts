import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { Principal } from '../../authentication/principal';
import { AllowAny } from '../../permissions/directives';
import { MAX_PAGE_SIZE } from '../pagination';
import { TrackType } from './track.type';
import { UserType } from './user.type';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many, from 1 to ${MAX_PAGE_SIZE}; default 20.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

@AllowAny()
@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@AllowAny()
@ObjectType()
export class TrackEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => TrackType)
  node!: TrackType;
}

@AllowAny()
@ObjectType()
export class TrackConnection {
  @Field(() => [TrackEdge])
  edges!: TrackEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@AllowAny()
@ObjectType()
export class UserEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => UserType)
  node!: Principal;
}

@AllowAny()
@ObjectType()
export class UserConnection {
  @Field(() => [UserEdge])
  edges!: UserEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
