/**
 * Who may act on whose account. Each predicate answers one question; resolvers call them before touching
 * another user's tokens or status.
 */
import type { User } from '../entities/user.entity';

/**
 * Staff manage other users' tokens and status, but only a superuser manages a superuser: otherwise any staff
 * member could mint a token for a superuser and act as one.
 */
export function canManageUser(actor: User, target: User): boolean {
  if (actor.id === target.id) return true;
  return actor.isStaff && (actor.isSuperuser || !target.isSuperuser);
}
