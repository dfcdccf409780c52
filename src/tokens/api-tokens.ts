/**
 * Issue, find, rotate and revoke API tokens: the one code path shared by the resolvers and the CLI.
 * State changes are single conditional SQL statements (compare-and-swap on `revoked_at IS NULL`), so concurrent
 * requests with the same token cannot both succeed where only one may.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken, TokenKind } from '../entities/api-token.entity';
import { User } from '../entities/user.entity';
import type { TokenLookup } from '../authentication/auth-cache';
import { generateToken } from './token-format';

const DAY_MS = 24 * 60 * 60 * 1000;
/** `lastUsedAt` is a hint for humans; writing it on every request would turn each read into a write. */
export const LAST_USED_RESOLUTION_MS = 60 * 1000;

export interface IssueTokenOptions {
  kind: TokenKind;
  name: string;
  now: Date;
  expiresAt: Date;
  createdBy?: User | null;
}

export interface IssuedToken {
  plaintext: string;
  token: ApiToken;
  /**
   * The users as passed in (`token.user` and `token.createdBy` are references that may be uninitialised). After
   * a rotation `createdBy` is itself such a reference: only its id is known.
   */
  owner: User;
  createdBy: User | null;
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
  const secret = generateToken(options.kind);
  // References, not the objects: the caller's User may be a detached snapshot from the token cache.
  const token = em.create(ApiToken, {
    user: em.getReference(User, user.id),
    kind: options.kind,
    name: options.name,
    prefix: secret.displayPrefix,
    digest: secret.digest,
    createdAt: options.now,
    expiresAt: options.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    createdBy: options.createdBy ? em.getReference(User, options.createdBy.id) : null,
  });
  await em.flush();
  return { plaintext: secret.plaintext, token, owner: user, createdBy: options.createdBy ?? null };
}

/** The live token with this digest and its active user's row, in one indexed query; null if there is none. */
export async function loadActiveToken(
  em: EntityManager,
  digest: string,
  now: Date,
): Promise<TokenLookup | null> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select t.id as token_id, t.kind as token_kind, t.expires_at as token_expires_at,
            t.last_used_at as token_last_used_at, u.*
       from api_tokens t join users u on u.id = t.user_id
      where t.digest = ? and t.revoked_at is null and t.expires_at > ? and u.is_active`,
    [digest, now],
  );
  const row = rows[0];
  if (!row) return null;
  const { token_id, token_kind, token_expires_at, token_last_used_at, ...userRow } = row;
  return {
    user: User.fromRow(userRow),
    token: {
      id: Number(token_id),
      kind: token_kind as TokenKind,
      expiresAt: new Date(token_expires_at as string),
      lastUsedAt: token_last_used_at === null ? null : new Date(token_last_used_at as string),
    },
  };
}

export function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/**
 * Revokes the token and issues its successor (same owner, kind, name and creator) in one transaction. A login
 * token's successor gets a fresh lifetime, as a new login would; a bearer token's keeps the expiry date, so that
 * rotation cannot make a token live forever. Null when the token was no longer live, for instance after a
 * concurrent rotation: exactly one rotation of a token can succeed.
 */
export async function rotateToken(
  em: EntityManager,
  tokenId: number,
  options: { loginLifetimeDays: number; now: Date },
): Promise<IssuedToken | null> {
  return em.transactional(async (tx) => {
    // The owner's row first, in the order every token-issuing and revoke-all path locks (see lockUser); the row
    // read under the lock is also the owner the new token is issued to.
    const [ownerRow] = await tx.execute<Record<string, unknown>[]>(
      'select u.* from users u join api_tokens t on t.user_id = u.id where t.id = ? for no key update of u',
      [tokenId],
    );
    if (!ownerRow?.is_active) return null;
    const revoked = await tx.execute<Record<string, unknown>[]>(
      `update api_tokens set revoked_at = ? where id = ? and revoked_at is null and expires_at > ?
       returning kind, name, expires_at, created_by_id`,
      [options.now, tokenId, options.now],
    );
    const old = revoked[0];
    if (!old) return null;
    const kind = old.kind as TokenKind;
    return issueToken(tx, User.fromRow(ownerRow), {
      kind,
      name: old.name as string,
      now: options.now,
      expiresAt:
        kind === TokenKind.LOGIN
          ? daysFrom(options.now, options.loginLifetimeDays)
          : new Date(old.expires_at as string | Date),
      // Only its id is stored; nobody reads a rotated token's creator from the payload.
      createdBy: old.created_by_id ? tx.getReference(User, old.created_by_id as number) : null,
    });
  });
}

/** Revokes one live token; false when there was none. */
export async function revokeToken(em: EntityManager, tokenId: number, now: Date): Promise<boolean> {
  const revoked = await em.execute<{ id: number }[]>(
    'update api_tokens set revoked_at = ? where id = ? and revoked_at is null and expires_at > ? returning id',
    [now, tokenId, now],
  );
  return revoked.length > 0;
}

/** The live token with this id, with its owner; null for an unknown, revoked or expired one. */
export function findLiveToken(
  em: EntityManager,
  tokenId: number | null,
  now: Date,
): Promise<ApiToken | null> {
  if (tokenId === null) return Promise.resolve(null);
  return em.findOne(
    ApiToken,
    { id: tokenId, revokedAt: null, expiresAt: { $gt: now } },
    { populate: ['user'] },
  );
}

/** The user's live tokens of every kind, newest first, with who created them. */
export function listLiveTokens(em: EntityManager, userId: number, now: Date): Promise<ApiToken[]> {
  return em.find(
    ApiToken,
    { user: userId, revokedAt: null, expiresAt: { $gt: now } },
    { populate: ['createdBy'], orderBy: { createdAt: 'desc', id: 'desc' } },
  );
}

/**
 * Revokes the user's live tokens, of one kind or all, except one to keep; returns how many. Run it in a
 * transaction that holds the user's row lock (lockUser), so that no token being issued concurrently escapes it.
 */
export async function revokeUserTokens(
  em: EntityManager,
  userId: number,
  now: Date,
  options: { kind?: TokenKind; exceptTokenId?: number } = {},
): Promise<number> {
  const conditions = ['user_id = ?', 'revoked_at is null', 'expires_at > ?'];
  const params: unknown[] = [now, userId, now];
  if (options.kind) {
    conditions.push('kind = ?');
    params.push(options.kind);
  }
  if (options.exceptTokenId !== undefined) {
    conditions.push('id <> ?');
    params.push(options.exceptTokenId);
  }
  const revoked = await em.execute<{ id: number }[]>(
    `update api_tokens set revoked_at = ? where ${conditions.join(' and ')} returning id`,
    params,
  );
  return revoked.length;
}

/** Records use of the token, at most once per LAST_USED_RESOLUTION_MS even across processes. */
export async function touchToken(em: EntityManager, token: ActiveToken, now: Date): Promise<void> {
  // Noted first, so that the requests arriving while this write is under way do not repeat it.
  token.lastUsedAt = now;
  await em.execute(
    'update api_tokens set last_used_at = ? where id = ? and (last_used_at is null or last_used_at <= ?)',
    [now, token.id, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)],
  );
}

export function isTouchDue(token: ActiveToken, now: Date): boolean {
  return token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}
