/**
 * Issue, list, rotate and revoke API tokens: the one code path shared by the resolvers and the CLI. Every change
 * runs under the owner's row lock (withLockedUser) and is a conditional statement on the token being live, so
 * concurrent requests with the same token cannot both succeed where only one may.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Principal, principalOf } from '../authentication/principal';
import { type AuthEffects, type LockedUser, withLockedUser } from '../accounts/user-lock';
import type { Config } from '../config';
import { ApiToken, TokenKind } from '../entities/api-token.entity';
import { User } from '../entities/user.entity';
import { INVALID_TOKEN_MESSAGE, InvalidInput, NotAuthenticated } from '../errors';
import { canManageUser } from '../permissions/can-manage-user';
import { liveTokenFilter, liveTokenSql } from './live-token';
import { generateToken, type RandomTokenKind } from './token-format';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TokenCreator {
  id: number;
  username: string;
}

/** What may be shown of a stored token: never its secret or digest. */
export interface TokenRecord {
  id: number;
  kind: TokenKind;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  /** The staff member who issued it for its owner, if anyone did. */
  createdBy: TokenCreator | null;
  /** A scoped token's scopes and recipient; null for other kinds. */
  scopes: string[] | null;
  recipient: string | null;
}

export interface IssuedToken {
  /** The secret: shown once, in the response that created it, and stored nowhere. */
  plaintext: string;
  token: TokenRecord;
  owner: Principal;
}

export type TokenServices = AuthEffects & { config: Pick<Config, 'loginTokenLifetimeDays'> };

export function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/**
 * What every issuing path checks under the lock: the user is still active, and the token of the request (none
 * from the CLI) is still live. It may have been revoked (logoutAll, changePassword) while the request waited
 * for the lock, and a revoked token must not mint a new one; FOR SHARE also holds off its revocation until the
 * commit.
 */
export async function assertMayIssue(locked: LockedUser, issuingToken: { id: number } | null): Promise<void> {
  if (!locked.user.isActive) {
    throw new InvalidInput(`User "${locked.user.username}" is inactive and cannot have tokens.`);
  }
  if (!issuingToken) return;
  const [live] = await locked.tx.execute(
    `select 1 from api_tokens t where t.id = ? and ${liveTokenSql('t')} for share`,
    [issuingToken.id, locked.now],
  );
  if (!live) throw new NotAuthenticated(INVALID_TOKEN_MESSAGE);
}

/** Stores a new token for the locked user. */
export async function issueToken(
  locked: LockedUser,
  options: { kind: RandomTokenKind; name: string; expiresAt: Date; createdBy: TokenCreator | null },
): Promise<IssuedToken> {
  const { tx, user, now } = locked;
  const secret = generateToken(options.kind);
  const token = tx.create(ApiToken, {
    user: tx.getReference(User, user.id),
    kind: options.kind,
    name: options.name,
    prefix: secret.displayPrefix,
    digest: secret.digest,
    createdAt: now,
    expiresAt: options.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    createdBy: options.createdBy ? tx.getReference(User, options.createdBy.id) : null,
  });
  await tx.flush();
  return {
    plaintext: secret.plaintext,
    owner: user,
    token: { ...recordFields(token), createdBy: options.createdBy, scopes: null, recipient: null },
  };
}

interface RevokedToken {
  id: number;
  kind: TokenKind;
  name: string;
  prefix: string;
  expiresAt: Date;
  createdBy: TokenCreator | null;
}

/**
 * Revokes the locked user's live tokens that match and returns them. Revoking all of them (no token and no kind
 * named) ends every session of the user: their auth epoch moves on too, which every scoped token checks.
 */
export async function revokeTokens(
  locked: LockedUser,
  which: { tokenId?: number; kind?: TokenKind; exceptTokenId?: number } = {},
): Promise<RevokedToken[]> {
  const conditions = ['t.user_id = ?', liveTokenSql('t')];
  const params: unknown[] = [locked.now, locked.user.id, locked.now];
  for (const [condition, value] of [
    ['t.id = ?', which.tokenId],
    ['t.kind = ?', which.kind],
    ['t.id <> ?', which.exceptTokenId],
  ] as const) {
    if (value === undefined) continue;
    conditions.push(condition);
    params.push(value);
  }
  const rows = await locked.tx.execute<Record<string, unknown>[]>(
    `update api_tokens t set revoked_at = ? where ${conditions.join(' and ')}
     returning t.id, t.kind, t.name, t.prefix, t.expires_at, t.created_by_id,
               (select username from users c where c.id = t.created_by_id) as created_by_username`,
    params,
  );
  if (rows.length > 0) locked.revokesAccess();
  if (which.tokenId === undefined && which.kind === undefined) {
    await locked.tx.execute('update users set auth_epoch = auth_epoch + 1 where id = ?', [locked.user.id]);
    locked.revokesAccess();
  }
  return rows.map((row) => ({
    id: Number(row.id),
    kind: row.kind as TokenKind,
    name: row.name as string,
    prefix: row.prefix as string,
    expiresAt: new Date(row.expires_at as string),
    createdBy:
      row.created_by_id === null
        ? null
        : { id: Number(row.created_by_id), username: row.created_by_username as string },
  }));
}

/**
 * Revokes the token and issues its successor (same owner, kind, name and creator). A login token's successor
 * gets a fresh lifetime, as a new login would; a bearer token's keeps the expiry date, so that rotation cannot
 * make a token live forever. Null when the token was no longer live, for instance after a concurrent rotation:
 * exactly one rotation of a token can succeed.
 */
export function rotateToken(
  em: EntityManager,
  services: TokenServices,
  request: { userId: number; tokenId: number },
): Promise<IssuedToken | null> {
  return withLockedUser(em, services, request.userId, async (locked) => {
    if (!locked.user.isActive) return null;
    const [old] = await revokeTokens(locked, { tokenId: request.tokenId });
    // A scoped token is never rotated (rotateToken is outside every scope); a successor would need new claims.
    if (!old || old.kind === TokenKind.SCOPED) return null;
    const issued = await issueToken(locked, {
      kind: old.kind,
      name: old.name,
      expiresAt:
        old.kind === TokenKind.LOGIN
          ? daysFrom(locked.now, services.config.loginTokenLifetimeDays)
          : old.expiresAt,
      createdBy: old.createdBy,
    });
    locked.audit({
      event: 'token_rotated',
      userId: locked.user.id,
      byUserId: locked.user.id,
      tokenId: issued.token.id,
      replacedTokenId: old.id,
      message: `${locked.user.username} rotated token ${old.prefix} into ${issued.token.prefix}`,
    });
    return issued;
  });
}

/**
 * Revokes one live token. An actor may revoke only the tokens of users they may manage (see canManageUser); the
 * CLI passes none. Null when there is no such live token, or it is not the actor's to revoke: the two answers
 * must not be told apart.
 */
export async function revokeToken(
  em: EntityManager,
  services: AuthEffects,
  request: { tokenId: number | null; actor: Principal | null },
): Promise<RevokedToken | null> {
  const found = await findLiveToken(em, request.tokenId, services.clock.now());
  if (!found || (request.actor && !canManageUser(request.actor, found.owner))) return null;
  return withLockedUser(em, services, found.owner.id, async (locked) => {
    const [revoked] = await revokeTokens(locked, { tokenId: found.token.id });
    if (!revoked) return null;
    locked.audit({
      event: 'token_revoked',
      userId: locked.user.id,
      byUserId: request.actor?.id ?? null,
      tokenId: revoked.id,
      message: `${request.actor?.username ?? 'manage token:revoke'} revoked token ${revoked.prefix} of ${locked.user.username}`,
    });
    return revoked;
  });
}

/** Revokes every live token of the user; returns how many. */
export function revokeAllTokens(
  em: EntityManager,
  services: AuthEffects,
  request: { userId: number; actor: Principal | null },
): Promise<number> {
  return withLockedUser(em, services, request.userId, async (locked) => {
    const revoked = await revokeTokens(locked);
    locked.audit({
      event: 'tokens_revoked',
      userId: locked.user.id,
      byUserId: request.actor?.id ?? null,
      count: revoked.length,
      message: `${request.actor?.username ?? 'manage'} revoked all ${revoked.length} token(s) of ${locked.user.username}`,
    });
    return revoked.length;
  });
}

/**
 * DRF's drf_create_token: a login token issued without a password, from the CLI. With `replaceExisting` the
 * user's other login tokens are revoked in the same transaction.
 */
export function createLoginToken(
  em: EntityManager,
  services: TokenServices,
  request: { userId: number; name: string; replaceExisting: boolean },
): Promise<IssuedToken> {
  return withLockedUser(em, services, request.userId, async (locked) => {
    await assertMayIssue(locked, null);
    if (request.replaceExisting) await revokeTokens(locked, { kind: TokenKind.LOGIN });
    const issued = await issueToken(locked, {
      kind: TokenKind.LOGIN,
      name: request.name,
      expiresAt: daysFrom(locked.now, services.config.loginTokenLifetimeDays),
      createdBy: null,
    });
    locked.audit({
      event: 'login_token_created',
      userId: locked.user.id,
      byUserId: null,
      tokenId: issued.token.id,
      message: `manage token:create issued login token ${issued.token.prefix} for ${locked.user.username}`,
    });
    return issued;
  });
}

/** The live token with this id and its owner; null for an unknown, revoked or expired one. */
async function findLiveToken(
  em: EntityManager,
  tokenId: number | null,
  now: Date,
): Promise<{ token: TokenRecord; owner: Principal } | null> {
  if (tokenId === null) return null;
  const token = await em.findOne(
    ApiToken,
    { id: tokenId, ...liveTokenFilter(now) },
    { populate: ['user', 'createdBy'] },
  );
  return token ? { token: toRecord(token), owner: principalOf(token.user) } : null;
}

/** The user's live tokens of every kind, newest first, with who created them. */
export async function listLiveTokens(em: EntityManager, userId: number, now: Date): Promise<TokenRecord[]> {
  const tokens = await em.find(
    ApiToken,
    { user: userId, ...liveTokenFilter(now) },
    { populate: ['createdBy'], orderBy: { createdAt: 'desc', id: 'desc' } },
  );
  return tokens.map(toRecord);
}

/** A token loaded with its creator. */
function toRecord(token: ApiToken): TokenRecord {
  const creator = token.createdBy;
  return {
    ...recordFields(token),
    createdBy: creator ? { id: creator.id, username: creator.username } : null,
    scopes: token.scopes,
    recipient: token.recipient,
  };
}

function recordFields(token: ApiToken): Omit<TokenRecord, 'createdBy' | 'scopes' | 'recipient'> {
  const { id, kind, name, prefix, createdAt, expiresAt, lastUsedAt } = token;
  return { id, kind, name, prefix, createdAt, expiresAt, lastUsedAt };
}
