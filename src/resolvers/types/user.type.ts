import { Field, ID, ObjectType } from 'type-graphql';
import type { Principal } from '../../authentication/principal';
import { AllowAny, Can } from '../../permissions/directives';

/**
 * The GraphQL view of a user: the fields of a Principal, which resolvers return as it is. Anyone who may reach a
 * user (a track's owner, say) sees its id and username; the rest is for the user themselves and staff.
 */
@Can('isSelfOrAdmin')
@ObjectType('User', { description: 'An account that can log in and own tokens.' })
export class UserType implements Principal {
  @AllowAny()
  @Field(() => ID)
  id!: number;

  @AllowAny()
  @Field(() => String)
  username!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Boolean)
  isActive!: boolean;

  @Field(() => Boolean)
  isStaff!: boolean;

  @Field(() => Boolean)
  isSuperuser!: boolean;

  @Field(() => Date)
  dateJoined!: Date;

  @Field(() => Date, { nullable: true })
  lastLogin!: Date | null;
}
