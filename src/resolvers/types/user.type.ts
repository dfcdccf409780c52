import { Field, ID, ObjectType } from 'type-graphql';
import type { Principal } from '../../authentication/principal';
import { AllowAny, Can } from '../../permissions/directives';

/**
 * The GraphQL view of a user: the fields of a Principal, which resolvers return as it is. Anyone who may reach a
 * user (a track's owner, say) sees its id and username; the rest is for the user themselves and staff, and
 * nullable: a field that may be denied must be, or its denial would null its parent too.
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

  @Field(() => String, { nullable: true })
  email!: string;

  @Field(() => Boolean, { nullable: true })
  isActive!: boolean;

  @Field(() => Boolean, { nullable: true })
  isStaff!: boolean;

  @Field(() => Boolean, { nullable: true })
  isSuperuser!: boolean;

  @Field(() => Date, { nullable: true })
  dateJoined!: Date;

  @Field(() => Date, { nullable: true })
  lastLogin!: Date | null;
}
