/**
 * Accounts: creating users, finding them, and the changes to a user that decide who may authenticate (password,
 * active flag), each in one function shared by the resolvers and the CLI.
 */
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { type Principal, principalOf } from '../authentication/principal';
import { COLUMN_LIMITS } from '../entities/column-limits';
import { User } from '../entities/user.entity';
import { INVALID_CREDENTIALS_MESSAGE, InvalidInput, NotAuthenticated } from '../errors';
import type { Services } from '../services';
import { revokeTokens } from '../tokens/api-tokens';
import { UNUSABLE_PASSWORD } from './passwords';
import { type LockedUser, withLockedUser } from './user-lock';

export interface NewUser {
  username: string;
  email: string;
  password: string | null;
  isStaff?: boolean;
  isSuperuser?: boolean;
}

export type AccountServices = Pick<Services, 'passwords' | 'clock' | 'authCache' | 'audit' | 'loginThrottle'>;

export const USERNAME_PATTERN = new RegExp(`^[\\w.@+-]{1,${COLUMN_LIMITS.username}}$`);
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;
const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

/** Creates a user; `actor` is the staff member who asked, or null for the CLI. */
export async function createUser(
  em: EntityManager,
  services: AccountServices,
  input: NewUser,
  actor: Principal | null = null,
): Promise<Principal> {
  validateUsername(input.username);
  if (input.email !== '' && (input.email.length > COLUMN_LIMITS.email || !EMAIL_PATTERN.test(input.email))) {
    throw new InvalidInput('Enter a valid email address.');
  }
  if (input.password !== null) validateNewPassword(input.password);
  const user = em.create(User, {
    username: input.username,
    email: input.email,
    passwordHash: input.password === null ? UNUSABLE_PASSWORD : await services.passwords.hash(input.password),
    isStaff: input.isStaff ?? false,
    isSuperuser: input.isSuperuser ?? false,
    isActive: true,
    dateJoined: services.clock.now(),
    lastLogin: null,
    authEpoch: 0,
  });
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new InvalidInput(`A user with the username "${input.username}" already exists.`);
    }
    throw error;
  }
  services.audit.record({
    event: 'user_created',
    userId: user.id,
    byUserId: actor?.id ?? null,
    message: `${actor?.username ?? 'manage'} created user ${user.username}`,
  });
  return principalOf(user);
}

export async function findUserByUsername(em: EntityManager, username: string): Promise<Principal | null> {
  const user = USERNAME_PATTERN.test(username) ? await em.findOne(User, { username }) : null;
  return user && principalOf(user);
}

/** The user with this id, or null (also for the null of an id that could not be parsed). */
export async function findUserById(em: EntityManager, id: number | null): Promise<Principal | null> {
  const user = id === null ? null : await em.findOne(User, id);
  return user && principalOf(user);
}

/** Users by id, after the given one. */
export async function listUsers(
  em: EntityManager,
  page: { afterId: number | null; limit: number },
): Promise<Principal[]> {
  const where = page.afterId === null ? {} : { id: { $gt: page.afterId } };
  const users = await em.find(User, where, { orderBy: { id: 'asc' }, limit: page.limit });
  return users.map(principalOf);
}

/**
 * Sets a user's password as an administrator does (no current password) and revokes all their tokens, as
 * Django's changepassword ends the user's sessions: a reset is often the answer to a leak. Returns how many
 * tokens it revoked.
 */
export async function resetPassword(
  em: EntityManager,
  services: AccountServices,
  request: { userId: number; password: string },
): Promise<number> {
  validateNewPassword(request.password);
  const passwordHash = await services.passwords.hash(request.password);
  return withLockedUser(em, services, request.userId, async (locked) => {
    await setPasswordHash(locked, passwordHash);
    const revoked = await revokeTokens(locked);
    locked.audit({
      event: 'password_reset',
      userId: locked.user.id,
      byUserId: null,
      revokedTokens: revoked.length,
      message: `manage changepassword set the password of ${locked.user.username}`,
    });
    return revoked.length;
  });
}

/**
 * Checks the current password (a wrong one gets login's generic answer), sets the new one and revokes every
 * other token of the user. The token of the request itself, if any, stays valid.
 */
export async function changeOwnPassword(
  em: EntityManager,
  services: AccountServices,
  request: {
    user: Principal;
    currentPassword: string;
    newPassword: string;
    keepTokenId: number | null;
    clientAddress: string;
  },
): Promise<void> {
  const [row] = await em.execute<{ password: string }[]>('select password from users where id = ?', [
    request.user.id,
  ]);
  const verifiedHash = row?.password ?? null;
  const attempt = { username: request.user.username, address: request.clientAddress };
  const check = await services.loginThrottle.guard(em, attempt, async () => {
    const result = await services.passwords.verify(request.currentPassword, verifiedHash);
    return result.valid ? result : null;
  });
  if (!check) throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
  validateNewPassword(request.newPassword);
  const passwordHash = await services.passwords.hash(request.newPassword);
  await withLockedUser(em, services, request.user.id, async (locked) => {
    // A concurrent change of the password (or a deactivation) since it was checked wins.
    if (!locked.user.isActive || locked.passwordHash !== verifiedHash) {
      throw new NotAuthenticated(INVALID_CREDENTIALS_MESSAGE);
    }
    await setPasswordHash(locked, passwordHash);
    const revoked = await revokeTokens(locked, { exceptTokenId: request.keepTokenId ?? undefined });
    locked.audit({
      event: 'password_changed',
      userId: locked.user.id,
      byUserId: locked.user.id,
      revokedTokens: revoked.length,
      message: `${locked.user.username} changed their password`,
    });
  });
}

/**
 * Activates or deactivates an account. Deactivation also revokes all the user's tokens: it is the answer to a
 * compromised or departed account, so re-activation must not bring old tokens back.
 */
export function setUserActive(
  em: EntityManager,
  services: AccountServices,
  request: { actor: Principal; userId: number; active: boolean },
): Promise<Principal> {
  const { actor, active } = request;
  if (request.userId === actor.id && !active)
    throw new InvalidInput('You cannot deactivate your own account.');
  return withLockedUser(em, services, request.userId, async (locked) => {
    await locked.tx.nativeUpdate(User, { id: locked.user.id }, { isActive: active });
    locked.revokesAccess();
    if (!active) await revokeTokens(locked);
    locked.audit({
      event: 'user_active_set',
      userId: locked.user.id,
      byUserId: actor.id,
      active,
      message: `${actor.username} ${active ? 'activated' : 'deactivated'} user ${locked.user.username}`,
    });
    return { ...locked.user, isActive: active };
  });
}

function validateNewPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidInput(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInput(`The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  }
}

async function setPasswordHash(locked: LockedUser, passwordHash: string) {
  await locked.tx.nativeUpdate(User, { id: locked.user.id }, { passwordHash });
  locked.revokesAccess();
}

function validateUsername(username: string) {
  if (!USERNAME_PATTERN.test(username)) {
    throw new InvalidInput(
      `The username must be 1-${COLUMN_LIMITS.username} characters: letters, digits and @ . + - _ only.`,
    );
  }
}
