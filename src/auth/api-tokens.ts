/**
 * Issue, find, rotate and revoke API tokens: the one code path shared by the resolvers and the CLI.
 * State changes are single conditional SQL statements (compare-and-swap on `revoked_at IS NULL`), so concurrent
 * requests with the same token cannot both succeed where only one may.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken, TokenKind } from '../entities/api-token.entity';
import { User } from '../entities/user.entity';
import { digestToken, generateToken, type TokenType } from './secrets';

const DAY_MS = 24 * 60 * 60 * 1000;
/** `lastUsedAt` is a hint for humans; writing it on every request would turn each read into a write. */
export const LAST_USED_RESOLUTION_MS = 60 * 1000;

const TOKEN_TYPE_OF_KIND: Record<TokenKind, TokenType> = { [TokenKind.Login]: 'login' };

export interface IssueTokenOptions {
  kind: TokenKind;
  name: string;
  lifetimeDays: number;
  now: Date;
  createdBy?: User | null;
}

export interface IssuedToken {
  plaintext: string;
  token: ApiToken;
}

/** What the context keeps about the token that authenticated a request. */
export interface ActiveToken {
  id: number;
  kind: TokenKind;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

export async function issueToken(
  em: EntityManager,
  user: User,
  options: IssueTokenOptions,
): Promise<IssuedToken> {
  const secret = generateToken(TOKEN_TYPE_OF_KIND[options.kind]);
  const token = em.create(ApiToken, {
    user,
    kind: options.kind,
    name: options.name.slice(0, 100),
    prefix: secret.displayPrefix,
    digest: secret.digest,
    createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + options.lifetimeDays * DAY_MS),
    lastUsedAt: null,
    revokedAt: null,
    createdBy: options.createdBy ?? null,
  });
  await em.flush();
  return { plaintext: secret.plaintext, token };
}

/** The live token with this plaintext and its active user, in one indexed query; null if there is none. */
export async function findActiveToken(
  em: EntityManager,
  plaintext: string,
  now: Date,
): Promise<{ user: User; token: ActiveToken } | null> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select t.id as token_id, t.kind as token_kind, t.expires_at as token_expires_at,
            t.last_used_at as token_last_used_at, u.*
       from api_tokens t join users u on u.id = t.user_id
      where t.digest = ? and t.revoked_at is null and t.expires_at > ? and u.is_active`,
    [digestToken(plaintext), now],
  );
  const row = rows[0];
  if (!row) return null;
  const lastUsedAt = row.token_last_used_at as string | Date | null;
  return {
    user: em.map(User, row),
    token: {
      id: Number(row.token_id),
      kind: row.token_kind as TokenKind,
      expiresAt: new Date(row.token_expires_at as string),
      lastUsedAt: lastUsedAt === null ? null : new Date(lastUsedAt),
    },
  };
}

/**
 * Revokes the token and issues its successor (same owner, kind and name) in one transaction. Null when the token
 * was already revoked, for instance by a concurrent rotation: exactly one rotation of a token can succeed.
 */
export async function rotateToken(
  em: EntityManager,
  tokenId: number,
  options: { lifetimeDays: number; now: Date },
): Promise<IssuedToken | null> {
  return em.transactional(async (tx) => {
    const revoked = await tx.execute<{ user_id: number; kind: TokenKind; name: string }[]>(
      `update api_tokens set revoked_at = ? where id = ? and revoked_at is null and expires_at > ?
       returning user_id, kind, name`,
      [options.now, tokenId, options.now],
    );
    const old = revoked[0];
    if (!old) return null;
    const user = await tx.findOneOrFail(User, old.user_id);
    return issueToken(tx, user, { kind: old.kind, name: old.name, ...options });
  });
}

/** Revokes one token; false when it was not live. */
export async function revokeToken(em: EntityManager, tokenId: number, now: Date): Promise<boolean> {
  const revoked = await em.execute<{ id: number }[]>(
    'update api_tokens set revoked_at = ? where id = ? and revoked_at is null returning id',
    [now, tokenId],
  );
  return revoked.length > 0;
}

/** Revokes the user's live tokens, of one kind or all; returns how many. */
export async function revokeUserTokens(
  em: EntityManager,
  userId: number,
  now: Date,
  kind?: TokenKind,
): Promise<number> {
  const revoked = await em.execute<{ id: number }[]>(
    `update api_tokens set revoked_at = ? where user_id = ? and revoked_at is null
       and expires_at > ? ${kind ? 'and kind = ?' : ''} returning id`,
    kind ? [now, userId, now, kind] : [now, userId, now],
  );
  return revoked.length;
}

/** Records use of the token, at most once per LAST_USED_RESOLUTION_MS even across processes. */
export async function touchToken(em: EntityManager, token: ActiveToken, now: Date): Promise<void> {
  await em.execute(
    'update api_tokens set last_used_at = ? where id = ? and (last_used_at is null or last_used_at <= ?)',
    [now, token.id, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)],
  );
}

export function isTouchDue(token: ActiveToken, now: Date): boolean {
  return token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}
