/**
 * Who made a request, as resolvers see it: plain data read by the token check (often from the cache), never an
 * entity. To change the user, load it through `em`; to point a relation at it, `em.getReference(User, id)`.
 * `auth` says how the caller authenticated, discriminated by scheme: the token-backed schemes carry their token,
 * TmpToken also its scopes and recipient, Basic nothing.
 */
import type { TokenKind } from '../entities/api-token.entity';
import type { User } from '../entities/user.entity';

export interface Principal {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly isActive: boolean;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  readonly dateJoined: Date;
  readonly lastLogin: Date | null;
}

/** The stored API token that authenticated a request. */
export interface ActiveToken {
  readonly id: number;
  readonly kind: TokenKind;
  readonly expiresAt: Date;
  readonly lastUsedAt: Date | null;
}

export interface TokenAuth {
  readonly scheme: 'token' | 'bearer';
  readonly token: ActiveToken;
}

/** A temporary scoped token: it may run only the root fields its scopes name, and says who it was for. */
export interface ScopedAuth {
  readonly scheme: 'tmptoken';
  readonly token: ActiveToken;
  readonly scopes: readonly string[];
  readonly recipient: string | null;
}

/** HTTP Basic: the password itself, checked on every request; no token. */
export interface BasicAuth {
  readonly scheme: 'basic';
}

export type Auth = TokenAuth | ScopedAuth | BasicAuth;

/** What a scheme returns for an accepted credential. */
export interface Authentication {
  user: Principal;
  auth: Auth;
}

/** The token behind the request, when its scheme has one. */
export function tokenOf(auth: Auth | null): ActiveToken | null {
  return auth && 'token' in auth ? auth.token : null;
}

/**
 * The principal in a raw `users` row (as `select u.*` returns it). The hot path of authentication uses it: building
 * an entity would cost more than the rest of the token check. test/authentication/principal.test.ts checks that
 * it agrees with the ORM's mapping.
 */
export function principalFromRow(row: Record<string, unknown>): Principal {
  return {
    id: Number(row.id),
    username: row.username as string,
    email: row.email as string,
    isActive: row.is_active as boolean,
    isStaff: row.is_staff as boolean,
    isSuperuser: row.is_superuser as boolean,
    dateJoined: new Date(row.date_joined as string),
    lastLogin: row.last_login === null ? null : new Date(row.last_login as string),
  };
}

/** The principal of a loaded User entity. */
export function principalOf(user: User): Principal {
  const { id, username, email, isActive, isStaff, isSuperuser, dateJoined, lastLogin } = user;
  return { id, username, email, isActive, isStaff, isSuperuser, dateJoined, lastLogin };
}
