import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { COLUMN_LIMITS } from './column-limits';
import { User } from './user.entity';

export enum TokenKind {
  /** Issued by `login`, one per client; sent as `Authorization: Token`. */
  LOGIN = 'login',
  /** A named personal token a user makes for scripts; sent as `Authorization: Bearer`. */
  BEARER = 'bearer',
  /** A signed, short-lived token limited to some operations; sent as `Authorization: TmpToken`. */
  SCOPED = 'scoped',
}

/**
 * A credential a client sends on every request. Only the SHA-256 digest of the secret is stored; `prefix` is the
 * short public start of the token, shown in listings so that a user can recognise it.
 */
@Entity({ tableName: 'api_tokens' })
export class ApiToken {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: Rel<User>;

  @Enum({ items: () => TokenKind })
  kind!: TokenKind;

  @Property({ type: 'string', length: COLUMN_LIMITS.tokenName })
  name!: string;

  @Property({ type: 'string', length: COLUMN_LIMITS.tokenPrefix })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  digest!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy: Rel<User> | null = null;

  /** A scoped token's schema coordinates (`Query.me`, `Query.*`); null for other kinds. */
  @Property({ type: 'json', nullable: true })
  scopes: string[] | null = null;

  /** A scoped token's note of who it was for. */
  @Property({ type: 'string', length: COLUMN_LIMITS.recipient, nullable: true })
  recipient: string | null = null;

  /** A scoped token's copy of its user's auth epoch at minting: it works only while the user's is the same. */
  @Property({ type: 'integer', nullable: true })
  userEpoch: number | null = null;
}
