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

  /**
   * The fields of a raw `users` row (as `select u.*` returns it), as a plain object, not an entity: the
   * authentication hot path uses it, where hydrating an entity (the ORM's prototype setters build change-tracking
   * state on every instance) would cost more than the rest of the token check. test/entities/user.entity.test.ts
   * checks that it agrees with the ORM's mapping.
   */
  static fromRow(row: Record<string, unknown>): User {
    return {
      id: Number(row.id),
      username: row.username as string,
      email: row.email as string,
      passwordHash: row.password as string,
      isActive: row.is_active as boolean,
      isStaff: row.is_staff as boolean,
      isSuperuser: row.is_superuser as boolean,
      dateJoined: new Date(row.date_joined as string),
      lastLogin: row.last_login === null ? null : new Date(row.last_login as string),
    };
  }
}
