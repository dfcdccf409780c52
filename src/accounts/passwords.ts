/**
 * Password hashing. New hashes use Django's `bcrypt_sha256` encoding: bcrypt over the hex SHA-256 of the
 * password. bcrypt alone silently ignores everything past 72 bytes; the SHA-256 step makes every byte count and
 * keeps the encoding compatible with hashes imported from Django. Checking a password always costs one bcrypt
 * run at the configured cost, also when there is no usable hash (unknown user, `!` unusable password, unknown
 * algorithm), so response times do not reveal which accounts exist. A failed check of a hash at an older, cheaper
 * cost is padded to the same work (until the next login rehashes it); one at a higher cost cannot be.
 */
import { createHash } from 'node:crypto';
import { Overloaded } from '../errors';
import { BcryptPool } from './bcrypt-pool';

const BCRYPT_SHA256 = 'bcrypt_sha256$';
const BCRYPT_HASH_PATTERN = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
/** Django's marker for an account that cannot log in with a password (SSO-only, or not set yet). */
export const UNUSABLE_PASSWORD = '!';

export interface PasswordCheck {
  valid: boolean;
  /** The hash should be replaced (its cost differs from the configured one). */
  needsRehash: boolean;
}

export class PasswordHasher {
  private readonly pool: BcryptPool;
  /** By cost: the current one for unusable hashes, older ones to pad checks of older hashes. */
  private readonly dummyHashes = new Map<number, Promise<string>>();

  constructor(
    readonly cost: number,
    workers: number,
    /** Checks that may wait for a worker; past it, callers get 503 at once instead of minutes in a queue. */
    private readonly queueLimit = Number.POSITIVE_INFINITY,
  ) {
    this.pool = new BcryptPool(workers);
  }

  async hash(password: string): Promise<string> {
    this.assertRoom();
    return BCRYPT_SHA256 + (await this.pool.hash(prehash(password), this.cost));
  }

  async verify(password: string, encoded: string | null): Promise<PasswordCheck> {
    this.assertRoom();
    const bcryptHash = encoded?.startsWith(BCRYPT_SHA256) ? encoded.slice(BCRYPT_SHA256.length) : null;
    const cost = bcryptHash ? BCRYPT_HASH_PATTERN.exec(bcryptHash)?.[1] : undefined;
    if (!bcryptHash || cost === undefined) {
      await this.pool.compare(prehash(password), await this.getDummyHash(this.cost));
      return { valid: false, needsRehash: false };
    }
    const valid = await this.pool.compare(prehash(password), bcryptHash);
    if (!valid) await this.padToCurrentCost(Number(cost));
    return { valid, needsRehash: valid && Number(cost) !== this.cost };
  }

  /** Computes the dummy hash ahead of the first unknown-user login, so that one is not slower than the rest. */
  async warmUp(): Promise<void> {
    await this.getDummyHash(this.cost);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Throws Overloaded when the queue is full: callers check first, before spending database work on the request. */
  assertRoom(): void {
    // A few seconds is how long a full queue at the usual cost takes to drain on a small machine.
    if (this.pool.waiting >= this.queueLimit) throw new Overloaded(5);
  }

  /**
   * bcrypt at cost k does 2^k rounds. A failed check at an older cost c0 did 2^c0; checks at c0, c0+1, ..., cost-1
   * add 2^cost - 2^c0, so the total is exactly one check at the current cost, as for an unknown user.
   */
  private async padToCurrentCost(storedCost: number): Promise<void> {
    for (let cost = storedCost; cost < this.cost; cost += 1) {
      await this.pool.compare('', await this.getDummyHash(cost));
    }
  }

  private getDummyHash(cost: number): Promise<string> {
    let hash = this.dummyHashes.get(cost);
    if (!hash) {
      // A failed computation (a crashed worker) is not kept: the next check computes it again.
      hash = this.pool.hash(prehash('tokengate dummy password'), cost).catch((error: unknown) => {
        this.dummyHashes.delete(cost);
        throw error;
      });
      this.dummyHashes.set(cost, hash);
    }
    return hash;
  }
}

function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}
