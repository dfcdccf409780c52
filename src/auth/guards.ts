import type { Context } from '../context';
import type { User } from '../entities/user.entity';
import { NotAuthenticated } from '../errors';
import type { AuthInfo } from './schemes/auth-scheme';

export function requireUser(context: Context): User {
  if (!context.user) throw new NotAuthenticated();
  return context.user;
}

/** The caller and the token that authenticated this request; only token-authenticated calls have one. */
export function requireToken(context: Context): { user: User; auth: AuthInfo } {
  if (!context.user || !context.auth) throw new NotAuthenticated();
  return { user: context.user, auth: context.auth };
}
