/**
 * The one way to change who may authenticate as a user. Every operation that issues or revokes a user's tokens,
 * or changes their password or status, runs its work in `withLockedUser`:
 * - one transaction that holds the user's row lock, taken first, so a login checked against the old password
 *   cannot slip a token past a password change, and concurrent token creations for one user see each other;
 * - audit events, written only once the change has committed;
 * - the token cache cleared as soon as a change that can refuse a credential which worked before has committed,
 *   so it holds for this process's very next request (other processes hear of it through NOTIFY).
 * The functions that revoke tokens or change a user take a LockedUser, and only this module can make one: an
 * operation cannot forget the lock, the audit trail or the invalidation.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthCache } from '../authentication/auth-cache';
import { type Principal, principalFromRow } from '../authentication/principal';
import type { Clock } from '../clock';
import { NotFound } from '../errors';
import type { AuditLog, AuditEvent } from '../audit-log';

export interface AuthEffects {
  clock: Clock;
  authCache: AuthCache;
  audit: AuditLog;
}

const MADE_HERE = Symbol('LockedUser');

export class LockedUser {
  private accessRevoked = false;
  private readonly events: AuditEvent[] = [];

  constructor(
    key: typeof MADE_HERE,
    readonly tx: EntityManager,
    /** The user as read under the lock. */
    readonly user: Principal,
    readonly passwordHash: string,
    /** See User.authEpoch. */
    readonly authEpoch: number,
    readonly now: Date,
  ) {
    if (key !== MADE_HERE) throw new Error('A LockedUser comes only from withLockedUser.');
  }

  /** This change can refuse a credential that worked before: the token cache is cleared after the commit. */
  revokesAccess(): void {
    this.accessRevoked = true;
  }

  audit(event: AuditEvent): void {
    this.events.push(event);
  }

  /** @internal What withLockedUser does once the transaction committed. */
  afterCommit(effects: AuthEffects): void {
    if (this.accessRevoked) effects.authCache.clear();
    for (const event of this.events) effects.audit.record(event);
  }
}

export async function withLockedUser<T>(
  em: EntityManager,
  effects: AuthEffects,
  userId: number,
  work: (locked: LockedUser) => Promise<T>,
): Promise<T> {
  const now = effects.clock.now();
  let locked: LockedUser | undefined;
  const result = await em.transactional(async (tx) => {
    const [row] = await tx.execute<Record<string, unknown>[]>(
      // NO KEY UPDATE: it serialises issuing against revoking but, unlike FOR UPDATE, does not block the foreign-key
      // checks of token inserts that reference this user (as creator), which would deadlock crossed requests.
      'select * from users where id = ? for no key update',
      [userId],
    );
    if (!row) throw new NotFound('No user has this id.');
    locked = new LockedUser(
      MADE_HERE,
      tx,
      principalFromRow(row),
      row.password as string,
      Number(row.auth_epoch),
      now,
    );
    return work(locked);
  });
  locked!.afterCommit(effects);
  return result;
}
