import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { COLUMN_LIMITS } from './column-limits';
import { User } from './user.entity';

/**
 * The example resource (the `tracks` of the DRF tutorials): anyone may read them, signed-in users add them, and
 * only a track's owner or staff may change or delete it. See "Protect your own fields" in the README.
 */
@Entity({ tableName: 'tracks' })
export class Track {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'string', length: COLUMN_LIMITS.trackTitle })
  title!: string;

  @Property({ type: 'string', length: COLUMN_LIMITS.trackArtist })
  artist!: string;

  @Property({ type: 'integer' })
  durationSeconds!: number;

  @Index()
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  owner!: Rel<User>;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
