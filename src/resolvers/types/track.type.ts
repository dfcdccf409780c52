import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Principal } from '../../authentication/principal';
import { AllowAny } from '../../permissions/directives';
import { UserType } from './user.type';

@AllowAny()
@ObjectType('Track', { description: 'A track of the example catalogue: anyone may read it.' })
export class TrackType {
  @Field(() => ID)
  id!: number;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  artist!: string;

  @Field(() => Int)
  durationSeconds!: number;

  @Field(() => UserType, { description: 'Who added it; only they and staff may change or delete it.' })
  owner!: Principal;

  @Field(() => Date)
  createdAt!: Date;
}

@InputType()
export class TrackInput {
  @Field(() => String, { description: '1-200 printable characters.' })
  title!: string;

  @Field(() => String, { description: '1-200 printable characters.' })
  artist!: string;

  @Field(() => Int, { description: 'From 1 to 86400.' })
  durationSeconds!: number;
}

@InputType({ description: 'The fields to change; those left out keep their value.' })
export class UpdateTrackInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  artist?: string | null;

  @Field(() => Int, { nullable: true })
  durationSeconds?: number | null;
}
