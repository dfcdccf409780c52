/**
 * Personal bearer tokens: named, always expiring, capped per user. The cap is enforced under a lock on the
 * owner's row, so concurrent creations for one user are serialised and can never leave more than the cap.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { TokenKind } from '../entities/api-token.entity';
import type { User } from '../entities/user.entity';
import { INVALID_TOKEN_MESSAGE, InvalidInput, NotAuthenticated } from '../errors';
import { lockUser } from '../accounts/users';
import { daysFrom, type IssuedToken, issueToken } from './api-tokens';

export const MAX_TOKEN_NAME_LENGTH = 100;

export interface NewBearerToken {
  owner: User;
  name: string;
  /** Null for the configured default. */
  expiresInDays: number | null;
  /** Who asked for it, when that is not the owner (staff issuing a token for someone). */
  createdBy: User | null;
  /** The expiry of the bearer token that authenticated the request, if any: the new one may not outlive it. */
  notAfter: Date | null;
  /** The token that authenticated the request (null from the CLI): it must still be live at issue time. */
  issuingTokenId: number | null;
  now: Date;
}

type BearerLimits = Pick<Config, 'bearerTokenDefaultDays' | 'bearerTokenMaxDays' | 'bearerTokensPerUser'>;

export async function createBearerToken(
  em: EntityManager,
  limits: BearerLimits,
  request: NewBearerToken,
): Promise<IssuedToken> {
  const name = validateTokenName(request.name);
  const expiresAt = chooseExpiry(limits, request);
  return em.transactional(async (tx) => {
    if (!(await lockUser(tx, request.owner.id))) {
      throw new InvalidInput(`User "${request.owner.username}" is inactive and cannot have tokens.`);
    }
    // The request's own token may have been revoked (logoutAll, changePassword) while this waited for the lock:
    // a revoked token must not mint a new one. FOR SHARE also holds off a revocation of it until the commit.
    if (request.issuingTokenId !== null) {
      const [live] = await tx.execute(
        'select 1 from api_tokens where id = ? and revoked_at is null and expires_at > ? for share',
        [request.issuingTokenId, request.now],
      );
      if (!live) throw new NotAuthenticated(INVALID_TOKEN_MESSAGE);
    }
    const [row] = await tx.execute<{ count: number }[]>(
      `select count(*)::int as count from api_tokens
        where user_id = ? and kind = ? and revoked_at is null and expires_at > ?`,
      [request.owner.id, TokenKind.BEARER, request.now],
    );
    if ((row?.count ?? 0) >= limits.bearerTokensPerUser) {
      const whose = request.createdBy ? `User "${request.owner.username}" already has` : 'You already have';
      throw new InvalidInput(
        `${whose} ${limits.bearerTokensPerUser} active bearer tokens, the most allowed; revoke one before creating another.`,
      );
    }
    return issueToken(tx, request.owner, {
      kind: TokenKind.BEARER,
      name,
      now: request.now,
      expiresAt,
      createdBy: request.createdBy,
    });
  });
}

function chooseExpiry(limits: BearerLimits, request: NewBearerToken): Date {
  const days = request.expiresInDays ?? limits.bearerTokenDefaultDays;
  if (!Number.isInteger(days) || days < 1 || days > limits.bearerTokenMaxDays) {
    throw new InvalidInput(
      `expiresInDays must be a whole number of days from 1 to ${limits.bearerTokenMaxDays}; bearer tokens always expire.`,
    );
  }
  const expiresAt = daysFrom(request.now, days);
  if (!request.notAfter || expiresAt <= request.notAfter) return expiresAt;
  // Asked for nothing in particular: the new token simply ends with the one that made it.
  if (request.expiresInDays === null) return request.notAfter;
  throw new InvalidInput(
    `A bearer token cannot create a token that outlives itself: the one you are using expires at ${request.notAfter.toISOString()}.`,
  );
}

export function validateTokenName(raw: string): string {
  const name = raw.trim();
  // Printable: no control characters, no line or paragraph separators, and no bidirectional overrides, which
  // could make a name read differently in a listing. Length counts characters, not UTF-16 units.
  const length = [...name].length;
  if (
    length < 1 ||
    length > MAX_TOKEN_NAME_LENGTH ||
    /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(name)
  ) {
    throw new InvalidInput(`The token name must be 1-${MAX_TOKEN_NAME_LENGTH} printable characters.`);
  }
  return name;
}
