import { Field, ID, ObjectType } from 'type-graphql';
import type { Principal } from '../../authentication/principal';

/** The GraphQL view of a user: the fields of a Principal, which resolvers return as it is. */
@ObjectType('User', { description: 'An account that can log in and own tokens.' })
export class UserType implements Principal {
  @Field(() => ID)
  id!: number;

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
