import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthCache } from './auth-cache';
import type { AuthRequest } from './auth-scheme';
import type { TokenKind } from '../entities/api-token.entity';
import { liveTokenSql } from '../tokens/live-token';
import { type ActiveToken, type Principal, principalFromRow } from './principal';

/** `lastUsedAt` is a hint for humans; writing it on every request would turn each read into a write. */
const LAST_USED_RESOLUTION_MS = 60 * 1000;

export interface TokenLookup {
  user: Principal;
  token: ActiveToken;
  /** A scoped token's note of who it was for. */
  recipient: string | null;
}

/**
 * The live token with this digest and its active user, in one indexed query; null if there is none. A scoped
 * token also needs its user's auth epoch unchanged since it was minted.
 */
export async function findActiveToken(
  em: EntityManager,
  digest: string,
  now: Date,
): Promise<TokenLookup | null> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select t.id as token_id, t.kind as token_kind, t.expires_at as token_expires_at,
            t.last_used_at as token_last_used_at, t.recipient as token_recipient, u.*
       from api_tokens t join users u on u.id = t.user_id
      where t.digest = ? and ${liveTokenSql('t')} and u.is_active
        and (t.user_epoch is null or t.user_epoch = u.auth_epoch)`,
    [digest, now],
  );
  const row = rows[0];
  if (!row) return null;
  const { token_id, token_kind, token_expires_at, token_last_used_at, token_recipient, ...userRow } = row;
  return {
    user: principalFromRow(userRow),
    recipient: (token_recipient as string | null) ?? null,
    token: {
      id: Number(token_id),
      kind: token_kind as TokenKind,
      expiresAt: new Date(token_expires_at as string),
      lastUsedAt: token_last_used_at === null ? null : new Date(token_last_used_at as string),
    },
  };
}

export function isTouchDue(token: ActiveToken, now: Date): boolean {
  return token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}

/** Records that the token was used, at most once per LAST_USED_RESOLUTION_MS across all server processes. */
export async function touchToken(em: EntityManager, tokenId: number, now: Date): Promise<void> {
  await em.execute(
    'update api_tokens set last_used_at = ? where id = ? and (last_used_at is null or last_used_at <= ?)',
    [now, tokenId, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)],
  );
}

/** The live token with this digest, from the cache or else the database (and then cached). */
export async function lookUpToken(
  cache: AuthCache,
  digest: string,
  request: AuthRequest,
): Promise<TokenLookup | null> {
  return (
    cache.get(digest, request.now) ??
    (await cache.lookup(digest, request.now, () => findActiveToken(request.em, digest, request.now)))
  );
}

/** Records that an accepted token was used, off the request's critical path and at most once a minute. */
export function recordTokenUse(
  found: TokenLookup,
  request: AuthRequest,
  onError: (error: unknown) => void,
): void {
  if (!isTouchDue(found.token, request.now)) return;
  // Noted in the shared entry first, so that requests arriving while the write is under way do not repeat it.
  found.token = { ...found.token, lastUsedAt: request.now };
  touchToken(request.em, found.token.id, request.now).catch(onError);
}
