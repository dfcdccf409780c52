import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../clock';
import { User } from '../entities/user.entity';
import { INVALID_CREDENTIALS_MESSAGE, InvalidInput, NotAuthenticated, NotFound } from '../errors';
import { revokeUserTokens } from '../tokens/api-tokens';
import { type PasswordHasher, UNUSABLE_PASSWORD } from './passwords';

export interface NewUser {
  username: string;
  email: string;
  password: string | null;
  isStaff?: boolean;
  isSuperuser?: boolean;
}

const USERNAME_PATTERN = /^[\w.@+-]{1,150}$/;
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

export async function createUser(
  em: EntityManager,
  hasher: PasswordHasher,
  clock: Clock,
  input: NewUser,
): Promise<User> {
  validateUsername(input.username);
  if (input.email !== '' && (input.email.length > 254 || !EMAIL_PATTERN.test(input.email))) {
    throw new InvalidInput('Enter a valid email address.');
  }
  if (input.password !== null) validateNewPassword(input.password);
  const user = em.create(User, {
    username: input.username,
    email: input.email,
    passwordHash: input.password === null ? UNUSABLE_PASSWORD : await hasher.hash(input.password),
    isStaff: input.isStaff ?? false,
    isSuperuser: input.isSuperuser ?? false,
    isActive: true,
    dateJoined: clock.now(),
    lastLogin: null,
  });
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new InvalidInput(`A user with the username "${input.username}" already exists.`);
    }
    throw error;
  }
  return user;
}

export async function findUserByUsername(em: EntityManager, username: string): Promise<User> {
  const user = await em.findOne(User, { username });
  if (!user) throw new NotFound(`No user has the username "${username}".`);
  return user;
}

/** The user with this id (a GraphQL ID or a number); NOT_FOUND for an unknown or malformed id. */
export async function findUserById(em: EntityManager, id: number | null): Promise<User> {
  const user = id === null ? null : await em.findOne(User, id);
  if (!user) throw new NotFound('No user has this id.');
  return user;
}

/**
 * Sets a user's password as an administrator does (no current password) and revokes all their tokens in the same
 * transaction, as Django's changepassword ends the user's sessions: a reset is often the answer to a leak.
 * Returns how many tokens it revoked.
 */
export async function resetPassword(
  em: EntityManager,
  hasher: PasswordHasher,
  request: { user: User; password: string; now: Date },
): Promise<number> {
  validateNewPassword(request.password);
  const passwordHash = await hasher.hash(request.password);
  return em.transactional(async (tx) => {
    await lockUser(tx, request.user.id);
    await tx.nativeUpdate(User, { id: request.user.id }, { passwordHash });
    return revokeUserTokens(tx, request.user.id, request.now);
  });
}

export interface VerifiedCredentials {
  user: User;
  /** The hash the password was checked against: a later write must find it unchanged (see lockUser). */
  verifiedHash: string;
  /** A hash at the configured cost, when the stored one has another cost. */
  rehash: string | null;
}

/**
 * The user whose username and password match, or null. Unknown user, wrong password, inactive user, unusable
 * hash and a username that cannot exist all cost one bcrypt check and give the same null.
 */
export async function checkCredentials(
  em: EntityManager,
  hasher: PasswordHasher,
  username: string,
  password: string,
): Promise<VerifiedCredentials | null> {
  // A username that fails validation (a NUL byte, say) is never sent to the database, which would reject it.
  const user = USERNAME_PATTERN.test(username) ? await em.findOne(User, { username }) : null;
  const check = await hasher.verify(password, user?.passwordHash ?? null);
  if (!user || !check.valid || !user.isActive) return null;
  const rehash = check.needsRehash ? await hasher.hash(password) : null;
  return { user, verifiedHash: user.passwordHash, rehash };
}

/**
 * Locks the user's row until the end of the transaction and tells whether it still has the expected password
 * hash and is active. Every path that issues tokens, and every path that revokes all of a user's tokens, takes
 * this lock first: a login checked against the old password cannot slip a token past a password change.
 */
export async function lockUser(em: EntityManager, userId: number, expectedHash?: string): Promise<boolean> {
  const [row] = await em.execute<{ password: string; is_active: boolean }[]>(
    // NO KEY UPDATE: it serialises issuing against revoking but, unlike FOR UPDATE, does not block the foreign-key
    // checks of token inserts that reference this user (as creator), which would deadlock crossed requests.
    'select password, is_active from users where id = ? for no key update',
    [userId],
  );
  return !!row && row.is_active && (expectedHash === undefined || row.password === expectedHash);
}

/**
 * Checks the current password (a wrong one gets login's generic answer), sets the new one and revokes every
 * other token of the user, all in one transaction. The token of the request itself stays valid.
 */
export async function changeOwnPassword(
  em: EntityManager,
  hasher: PasswordHasher,
  request: {
    user: User;
    currentPassword: string;
    newPassword: string;
    keepTokenId: number | null;
    now: Date;
  },
): Promise<void> {
  const verifiedHash = request.user.passwordHash;
  const check = await hasher.verify(request.currentPassword, verifiedHash);
  if (!check.valid) throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
  validateNewPassword(request.newPassword);
  const passwordHash = await hasher.hash(request.newPassword);
  await em.transactional(async (tx) => {
    if (!(await lockUser(tx, request.user.id, verifiedHash))) {
      throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
    }
    await tx.nativeUpdate(User, { id: request.user.id }, { passwordHash });
    await revokeUserTokens(tx, request.user.id, request.now, {
      exceptTokenId: request.keepTokenId ?? undefined,
    });
  });
  request.user.passwordHash = passwordHash;
}

/**
 * Activates or deactivates an account. Deactivation also revokes all the user's tokens, in the same transaction:
 * it is the answer to a compromised or departed account, so re-activation must not bring old tokens back.
 */
export async function setUserActive(
  em: EntityManager,
  request: { actor: User; target: User; active: boolean; now: Date },
): Promise<User> {
  const { actor, target, active } = request;
  if (target.id === actor.id && !active) throw new InvalidInput('You cannot deactivate your own account.');
  await em.transactional(async (tx) => {
    await lockUser(tx, target.id);
    await tx.nativeUpdate(User, { id: target.id }, { isActive: active });
    if (!active) await revokeUserTokens(tx, target.id, request.now);
  });
  target.isActive = active;
  return target;
}

export function validateNewPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidInput(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInput(`The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  }
}

function validateUsername(username: string) {
  if (!USERNAME_PATTERN.test(username)) {
    throw new InvalidInput('The username must be 1-150 characters: letters, digits and @ . + - _ only.');
  }
}
