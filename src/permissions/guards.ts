import type { Principal, TokenAuth } from '../authentication/principal';
import type { Context } from '../context';
import { NotAuthenticated, PermissionDenied } from '../errors';

export function requireUser(context: Context): Principal {
  if (!context.user) throw new NotAuthenticated();
  return context.user;
}

/** The caller, who must be staff (Django's `is_staff`, DRF's IsAdminUser). */
export function requireStaff(context: Context): Principal {
  const user = requireUser(context);
  if (!user.isStaff) throw new PermissionDenied();
  return user;
}

/** The caller and the stored token that authenticated this request. */
export function requireToken(context: Context): { user: Principal; auth: TokenAuth } {
  if (!context.user || !context.auth) throw new NotAuthenticated();
  return { user: context.user, auth: context.auth };
}
