/**
 * Who may act on whose account: staff manage other users' tokens and status, but only a superuser manages a
 * superuser; otherwise any staff member could mint a token for a superuser and act as one.
 */
import type { Principal } from '../authentication/principal';

export function canManageUser(actor: Principal, target: Principal): boolean {
  if (actor.id === target.id) return true;
  return actor.isStaff && (actor.isSuperuser || !target.isSuperuser);
}
