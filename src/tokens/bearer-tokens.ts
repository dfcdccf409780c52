/**
 * Personal bearer tokens: named, always expiring, capped per user. The cap is enforced under the owner's row
 * lock, so concurrent creations for one user are serialised and can never leave more than the cap.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActiveToken, Principal } from '../authentication/principal';
import { withLockedUser } from '../accounts/user-lock';
import type { Config } from '../config';
import { COLUMN_LIMITS } from '../entities/column-limits';
import { TokenKind } from '../entities/api-token.entity';
import { InvalidInput } from '../errors';
import {
  assertMayIssue,
  daysFrom,
  type IssuedToken,
  issueToken,
  revokeTokens,
  type TokenServices,
} from './api-tokens';
import { liveTokenSql } from './live-token';

export interface NewBearerToken {
  ownerId: number;
  name: string;
  /** Null for the configured default. */
  expiresInDays: number | null;
  /** Who asks for it: the owner, staff issuing a token for the owner (recorded as its creator), or null for the CLI. */
  actor: Principal | null;
  /** The token that authenticated the request (none from the CLI): it must still be live at issue time, and a
   * bearer token may not mint one that outlives it. */
  issuingToken: ActiveToken | null;
  /** Revoke the owner's other bearer tokens in the same transaction (the CLI's -r). */
  replaceExisting?: boolean;
}

type BearerLimits = Pick<Config, 'bearerTokenDefaultDays' | 'bearerTokenMaxDays' | 'bearerTokensPerUser'>;

export async function createBearerToken(
  em: EntityManager,
  services: TokenServices & { config: BearerLimits },
  request: NewBearerToken,
): Promise<IssuedToken> {
  const limits = services.config;
  const name = validateTokenName(request.name);
  chooseExpiry(limits, request, services.clock.now()); // refuse a bad lifetime before taking the lock
  return withLockedUser(em, services, request.ownerId, async (locked) => {
    // Counted from the same moment as the token's createdAt.
    const expiresAt = chooseExpiry(limits, request, locked.now);
    const owner = locked.user;
    const { actor } = request;
    const createdBy = actor && actor.id !== owner.id ? { id: actor.id, username: actor.username } : null;
    await assertMayIssue(locked, request.issuingToken);
    if (request.replaceExisting) await revokeTokens(locked, { kind: TokenKind.BEARER });
    const [row] = await locked.tx.execute<{ count: number }[]>(
      `select count(*)::int as count from api_tokens t where t.user_id = ? and t.kind = ? and ${liveTokenSql('t')}`,
      [owner.id, TokenKind.BEARER, locked.now],
    );
    if ((row?.count ?? 0) >= limits.bearerTokensPerUser) {
      const whose = createdBy ? `User "${owner.username}" already has` : 'You already have';
      throw new InvalidInput(
        `${whose} ${limits.bearerTokensPerUser} active bearer tokens, the most allowed; revoke one before creating another.`,
      );
    }
    const issued = await issueToken(locked, { kind: TokenKind.BEARER, name, expiresAt, createdBy });
    locked.audit({
      event: 'bearer_token_created',
      userId: owner.id,
      byUserId: actor?.id ?? null,
      createdById: createdBy?.id ?? null,
      tokenId: issued.token.id,
      message: createdBy
        ? `${createdBy.username} issued bearer token ${issued.token.prefix} for ${owner.username}`
        : `${owner.username} created bearer token ${issued.token.prefix}`,
    });
    return issued;
  });
}

function chooseExpiry(limits: BearerLimits, request: NewBearerToken, now: Date): Date {
  const days = request.expiresInDays ?? limits.bearerTokenDefaultDays;
  if (!Number.isInteger(days) || days < 1 || days > limits.bearerTokenMaxDays) {
    throw new InvalidInput(
      `expiresInDays must be a whole number of days from 1 to ${limits.bearerTokenMaxDays}; bearer tokens always expire.`,
    );
  }
  const expiresAt = daysFrom(now, days);
  const notAfter = request.issuingToken?.kind === TokenKind.BEARER ? request.issuingToken.expiresAt : null;
  if (!notAfter || expiresAt <= notAfter) return expiresAt;
  // Asked for nothing in particular: the new token simply ends with the one that made it.
  if (request.expiresInDays === null) return notAfter;
  throw new InvalidInput(
    `A bearer token cannot create a token that outlives itself: the one you are using expires at ${notAfter.toISOString()}.`,
  );
}

function validateTokenName(raw: string): string {
  const name = raw.trim();
  // Printable: no control characters, no line or paragraph separators, and no bidirectional overrides, which
  // could make a name read differently in a listing. Length counts characters, not UTF-16 units.
  const length = [...name].length;
  if (
    length < 1 ||
    length > COLUMN_LIMITS.tokenName ||
    /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(name)
  ) {
    throw new InvalidInput(`The token name must be 1-${COLUMN_LIMITS.tokenName} printable characters.`);
  }
  return name;
}
