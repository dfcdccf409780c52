import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class CreateUserArgs {
  @Field(() => String)
  username!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => Boolean, { defaultValue: false })
  isStaff!: boolean;
}

@ArgsType()
export class SetUserActiveArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean)
  active!: boolean;
}

@ArgsType()
export class ChangePasswordArgs {
  @Field(() => String)
  currentPassword!: string;

  @Field(() => String)
  newPassword!: string;
}
