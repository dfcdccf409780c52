import type { EntityManager } from '@mikro-orm/postgresql';
import { type Principal, principalFromRow } from '../authentication/principal';
import { COLUMN_LIMITS } from '../entities/column-limits';
import { TokenKind } from '../entities/api-token.entity';
import { INVALID_CREDENTIALS_MESSAGE, NotAuthenticated } from '../errors';
import type { Services } from '../services';
import { daysFrom, type IssuedToken, issueToken } from '../tokens/api-tokens';
import type { PasswordHasher } from './passwords';
import { USERNAME_PATTERN } from './users';
import { withLockedUser } from './user-lock';

export interface LoginRequest {
  username: string;
  password: string;
  /** A label for the new token, such as the client's user agent. */
  clientName: string | null;
  clientAddress: string;
}

export interface VerifiedCredentials {
  user: Principal;
  /** The hash the password was checked against: the issuing transaction must find it unchanged. */
  verifiedHash: string;
  /** A hash at the configured cost, when the stored one has another cost. */
  rehash: string | null;
}

/**
 * Checks the password and issues a new login token (one per client, as knox does). bcrypt runs before any lock
 * is taken; the token is then issued under the user's row lock only if the password checked is still the stored
 * one and the user is still active, so a concurrent password change or deactivation wins. The user row is
 * written once (last login, and the rehash if any), and the token cache is left alone: a new token was never in it.
 */
export async function logIn(
  em: EntityManager,
  services: Pick<Services, 'passwords' | 'clock' | 'config' | 'authCache' | 'audit' | 'loginThrottle'>,
  request: LoginRequest,
): Promise<IssuedToken> {
  const attempt = { username: request.username, address: request.clientAddress };
  const verified = await services.loginThrottle.guard(em, attempt, () =>
    checkCredentials(em, services.passwords, request.username, request.password),
  );
  if (!verified) throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
  return withLockedUser(em, services, verified.user.id, async (locked) => {
    if (!locked.user.isActive || locked.passwordHash !== verified.verifiedHash) {
      throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
    }
    const { now } = locked;
    await locked.tx.execute(
      'update users set last_login = ?, password = coalesce(?, password) where id = ?',
      [now, verified.rehash, locked.user.id],
    );
    const issued = await issueToken(locked, {
      kind: TokenKind.LOGIN,
      name: labelOf(request.clientName),
      expiresAt: daysFrom(now, services.config.loginTokenLifetimeDays),
      createdBy: null,
    });
    locked.audit({
      event: 'login',
      userId: locked.user.id,
      byUserId: locked.user.id,
      tokenId: issued.token.id,
      message: `${locked.user.username} logged in; login token ${issued.token.prefix}`,
    });
    return { ...issued, owner: { ...locked.user, lastLogin: now } };
  });
}

/**
 * The user whose username and password match, or null. Unknown user, wrong password, inactive user, unusable
 * hash and a username that cannot exist all cost one bcrypt check and give the same null. `login` and the Basic
 * scheme share it.
 */
export async function checkCredentials(
  em: EntityManager,
  hasher: PasswordHasher,
  username: string,
  password: string,
): Promise<VerifiedCredentials | null> {
  // A username that fails validation (a NUL byte, say) is never sent to the database, which would reject it.
  const [user] = USERNAME_PATTERN.test(username)
    ? await em.execute<Record<string, unknown>[]>('select * from users where username = ?', [username])
    : [];
  const storedHash = typeof user?.password === 'string' ? user.password : null;
  const check = await hasher.verify(password, storedHash);
  if (!user || !storedHash || !check.valid || user.is_active !== true) return null;
  const rehash = check.needsRehash ? await hasher.hash(password) : null;
  return { user: principalFromRow(user), verifiedHash: storedHash, rehash };
}

/** A login token's name: the client's user agent, cut to the column's length in characters (not UTF-16 units). */
function labelOf(clientName: string | null): string {
  const label = [...(clientName ?? '').replace(/\p{Cc}/gu, ' ').trim()]
    .slice(0, COLUMN_LIMITS.tokenName)
    .join('');
  return label || 'login';
}
