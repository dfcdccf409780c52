import type { EntityManager } from '@mikro-orm/postgresql';
import { TokenKind } from '../entities/api-token.entity';
import { INVALID_CREDENTIALS_MESSAGE, NotAuthenticated } from '../errors';
import type { Services } from '../context';
import { checkCredentials } from './accounts';
import { daysFrom, type IssuedToken, issueToken } from './api-tokens';

export interface LoginRequest {
  username: string;
  password: string;
  /** A label for the new token, such as the client's user agent. */
  clientName: string | null;
}

/** Checks the password and issues a new login token (one per client, as knox does). */
export async function logIn(
  em: EntityManager,
  services: Pick<Services, 'passwords' | 'clock' | 'config'>,
  request: LoginRequest,
): Promise<IssuedToken> {
  const user = await checkCredentials(em, services.passwords, request.username, request.password);
  if (!user) throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
  const now = services.clock.now();
  user.lastLogin = now;
  return issueToken(em, user, {
    kind: TokenKind.LOGIN,
    name: request.clientName?.trim() || 'login',
    now,
    expiresAt: daysFrom(now, services.config.loginTokenLifetimeDays),
  });
}
