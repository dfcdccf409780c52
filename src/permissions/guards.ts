import type { Context } from '../context';
import type { User } from '../entities/user.entity';
import { NotAuthenticated, PermissionDenied } from '../errors';
import type { AuthInfo } from '../authentication/auth-scheme';

export function requireUser(context: Context): User {
  if (!context.user) throw new NotAuthenticated();
  return context.user;
}

/** The caller, who must be staff (Django's `is_staff`, DRF's IsAdminUser). */
export function requireStaff(context: Context): User {
  const user = requireUser(context);
  if (!user.isStaff) throw new PermissionDenied();
  return user;
}

/** The caller and the token that authenticated this request; only token-authenticated calls have one. */
export function requireToken(context: Context): { user: User; auth: AuthInfo } {
  if (!context.user || !context.auth) throw new NotAuthenticated();
  return { user: context.user, auth: context.auth };
}
