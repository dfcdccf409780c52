/**
 * Throttles password guessing, where DRF's token view turns throttling off. Failed password checks are counted
 * per attempt (not per HTTP request), per normalised username (unknown ones too, so the throttle tells nothing
 * about which accounts exist) and per client address, in PostgreSQL so that every server process shares them.
 * Past a limit the answer is 429 with Retry-After until the window ends, even for the right password, and no
 * password is checked at all; other accounts and addresses are unaffected. `login`, Basic and `changePassword`
 * all go through it.
 */
import { hash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { Throttled } from '../errors';
import type { PasswordHasher } from './passwords';

export interface PasswordAttempt {
  username: string;
  /** The client's address, as Fastify sees it (X-Forwarded-For only with TRUST_PROXY). */
  address: string;
}

type ThrottleLimits = Pick<
  Config,
  'loginFailuresPerAccount' | 'loginFailuresPerAddress' | 'loginFailureWindowSeconds'
>;

export class LoginThrottle {
  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
    private readonly passwords: Pick<PasswordHasher, 'assertRoom'>,
  ) {}

  /**
   * Runs one password check under the throttle: refused before it runs when locked, counted when it fails. When
   * the password queue is already full the answer is 503 before any database work, so a flood of attempts costs
   * the server as little as possible.
   */
  async guard<T>(
    em: EntityManager,
    attempt: PasswordAttempt,
    check: () => Promise<T | null>,
  ): Promise<T | null> {
    this.passwords.assertRoom();
    await this.assertAllowed(em, attempt);
    const result = await check();
    if (result === null) await this.recordFailure(em, attempt);
    else await this.recordSuccess(em, attempt);
    return result;
  }

  /** Throws Throttled while the account or the address has used up its failures. */
  async assertAllowed(em: EntityManager, attempt: PasswordAttempt): Promise<void> {
    const now = this.clock.now();
    const rows = await em.execute<{ key: string; failures: number; window_started_at: string }[]>(
      'select key, failures, window_started_at from login_throttle where key in (?, ?) and window_started_at > ?',
      [accountKey(attempt), addressKey(attempt), this.windowStart(now)],
    );
    for (const row of rows) {
      const limit =
        row.key === accountKey(attempt)
          ? this.limits.loginFailuresPerAccount
          : this.limits.loginFailuresPerAddress;
      if (row.failures < limit) continue;
      const endsAt = new Date(row.window_started_at).getTime() + this.limits.loginFailureWindowSeconds * 1000;
      throw new Throttled(Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000)));
    }
  }

  async recordFailure(em: EntityManager, attempt: PasswordAttempt): Promise<void> {
    const now = this.clock.now();
    const windowStart = this.windowStart(now);
    for (const key of [accountKey(attempt), addressKey(attempt)]) {
      // One statement, so concurrent failures all count; a window that has ended starts over.
      await em.execute(
        `insert into login_throttle (key, failures, window_started_at) values (?, 1, ?)
         on conflict (key) do update set
           failures = case when login_throttle.window_started_at <= ? then 1 else login_throttle.failures + 1 end,
           window_started_at = case when login_throttle.window_started_at <= ? then excluded.window_started_at
                                    else login_throttle.window_started_at end`,
        [key, now, windowStart, windowStart],
      );
    }
  }

  /** A right password clears the account's count (not the address's: one good account must not hide guessing). */
  async recordSuccess(em: EntityManager, attempt: PasswordAttempt): Promise<void> {
    await em.execute('delete from login_throttle where key = ?', [accountKey(attempt)]);
  }

  private windowStart(now: Date): Date {
    return new Date(now.getTime() - this.limits.loginFailureWindowSeconds * 1000);
  }
}

/**
 * A digest, not the name: any input is safe to store (a NUL byte, a megabyte), and a password typed into the
 * username field by mistake is never written down.
 */
function accountKey(attempt: PasswordAttempt): string {
  return `account:${hash('sha256', attempt.username.normalize('NFKC').toLowerCase(), 'hex')}`;
}

function addressKey(attempt: PasswordAttempt): string {
  return `address:${attempt.address.slice(0, 250)}`;
}
