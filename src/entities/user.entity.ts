import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { COLUMN_LIMITS } from './column-limits';

/** An account that can log in and own tokens; the `users` table, laid out like Django's `auth_user`. */
@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'string', length: COLUMN_LIMITS.username, unique: true })
  username!: string;

  @Property({ type: 'string', length: COLUMN_LIMITS.email, default: '' })
  email: string = '';

  /** A Django-style encoded hash (`algorithm$...`); a leading `!` marks an unusable password. */
  @Property({ type: 'text', fieldName: 'password', hidden: true, lazy: false })
  passwordHash!: string;

  @Property({ type: 'boolean', default: true })
  isActive: boolean = true;

  @Property({ type: 'boolean', default: false })
  isStaff: boolean = false;

  @Property({ type: 'boolean', default: false })
  isSuperuser: boolean = false;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  dateJoined: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastLogin: Date | null = null;

  /** Moves on when all the user's sessions end (log out everywhere, password change, deactivation). */
  @Property({ type: 'integer', default: 0 })
  authEpoch: number = 0;
}
