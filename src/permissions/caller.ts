import type { Principal, ScopedAuth, TokenAuth } from '../authentication/principal';
import type { Context } from '../context';
import { InvalidInput, NotAuthenticated } from '../errors';

/**
 * The caller of a field whose permission directive admits only authenticated callers. The directive has already
 * refused anonymous ones; the check here only keeps a missing directive from turning into a crash.
 */
export function callerOf(context: Context): Principal {
  if (!context.user) throw new NotAuthenticated();
  return context.user;
}

/** The caller and the stored token the request came with, for operations on that token (rotate, log out). */
export function tokenAuthOf(context: Context): { user: Principal; auth: TokenAuth | ScopedAuth } {
  const user = callerOf(context);
  if (!context.auth || !('token' in context.auth)) {
    throw new InvalidInput('This request was not made with a token, so there is no token to act on.');
  }
  return { user, auth: context.auth };
}
