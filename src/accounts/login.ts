import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../context';
import { TokenKind } from '../entities/api-token.entity';
import { User } from '../entities/user.entity';
import { INVALID_CREDENTIALS_MESSAGE, NotAuthenticated } from '../errors';
import { checkCredentials, lockUser } from './users';
import { daysFrom, type IssuedToken, issueToken } from '../tokens/api-tokens';
import { MAX_TOKEN_NAME_LENGTH } from '../tokens/bearer-tokens';

export interface LoginRequest {
  username: string;
  password: string;
  /** A label for the new token, such as the client's user agent. */
  clientName: string | null;
}

/**
 * Checks the password and issues a new login token (one per client, as knox does). bcrypt runs before any lock
 * is taken; the token is then issued under the user's row lock only if the password checked is still the
 * stored one and the user is still active, so a concurrent password change or deactivation wins.
 */
/** A login token's name: the client's user agent, cut to the column's 100 characters (not UTF-16 units). */
function labelOf(clientName: string | null): string {
  const label = [...(clientName ?? '').replace(/\p{Cc}/gu, ' ').trim()]
    .slice(0, MAX_TOKEN_NAME_LENGTH)
    .join('');
  return label || 'login';
}

export async function logIn(
  em: EntityManager,
  services: Pick<Services, 'passwords' | 'clock' | 'config'>,
  request: LoginRequest,
): Promise<IssuedToken> {
  const verified = await checkCredentials(em, services.passwords, request.username, request.password);
  if (!verified) throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
  const { user } = verified;
  const now = services.clock.now();
  return em.transactional(async (tx) => {
    if (!(await lockUser(tx, user.id, verified.verifiedHash))) {
      throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
    }
    await tx.nativeUpdate(
      User,
      { id: user.id },
      { lastLogin: now, ...(verified.rehash ? { passwordHash: verified.rehash } : {}) },
    );
    user.lastLogin = now;
    if (verified.rehash) user.passwordHash = verified.rehash;
    return issueToken(tx, user, {
      kind: TokenKind.LOGIN,
      name: labelOf(request.clientName),
      now,
      expiresAt: daysFrom(now, services.config.loginTokenLifetimeDays),
    });
  });
}
