import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An account that can log in and own tokens.' })
@Entity({ tableName: 'users' })
export class User {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 150, unique: true })
  username!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 254, default: '' })
  email: string = '';

  /** A Django-style encoded hash (`algorithm$...`); a leading `!` marks an unusable password. */
  @Property({ type: 'text', fieldName: 'password', hidden: true, lazy: false })
  passwordHash!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  isActive: boolean = true;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  isStaff: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  isSuperuser: boolean = false;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  dateJoined: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastLogin: Date | null = null;
}
