import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Failed password checks, counted per normalised username and per client address in a fixed window, shared by
 * every server process on the database (src/accounts/login-throttle.ts).
 */
@Entity({ tableName: 'login_throttle' })
export class LoginThrottleCounter {
  @PrimaryKey({ type: 'string', length: 300 })
  key!: string;

  @Property({ type: 'integer' })
  failures!: number;

  @Property({ type: 'datetime' })
  windowStartedAt!: Date;
}
