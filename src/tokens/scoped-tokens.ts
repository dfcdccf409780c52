/**
 * Minting temporary scoped tokens: a user hands a third party a token that works only for some root fields,
 * only for a while, and notes who it was for. The token is recorded at minting (so it is listed, revocable by
 * id, and checked through the auth cache) and signed (so a forged or expired one is refused without a query).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActiveToken, Principal } from '../authentication/principal';
import { withLockedUser } from '../accounts/user-lock';
import type { Config } from '../config';
import { ApiToken, TokenKind } from '../entities/api-token.entity';
import { COLUMN_LIMITS } from '../entities/column-limits';
import { User } from '../entities/user.entity';
import { InvalidInput } from '../errors';
import { assertMayIssue, type IssuedToken, type TokenServices } from './api-tokens';
import { displayPrefixOfScoped, type ScopedTokenSigner } from './scoped-token-signer';
import type { ScopeCatalog } from './scopes';
import { digestToken } from './token-format';

const DEFAULT_MAX_AGE_SECONDS = 3600;

export interface NewScopedToken {
  owner: Principal;
  scopes: readonly string[];
  /** Null for the default, one hour. */
  maxAgeSeconds: number | null;
  recipient: string | null;
  /** The token of the request (none from the CLI): it must be live, and the new one may not outlive it. */
  issuingToken: ActiveToken | null;
}

type ScopedTokenServices = TokenServices & {
  config: Pick<Config, 'scopedTokenMaxAgeSeconds'>;
  scopedTokens: ScopedTokenSigner;
};

export async function createScopedToken(
  em: EntityManager,
  services: ScopedTokenServices,
  catalog: ScopeCatalog,
  request: NewScopedToken,
): Promise<IssuedToken> {
  const scopes = catalog.validate(request.scopes);
  const recipient = validateRecipient(request.recipient);
  const maxAge = services.config.scopedTokenMaxAgeSeconds;
  chooseExpiry(maxAge, request, services.clock.now()); // refuse a bad lifetime before taking the lock
  return withLockedUser(em, services, request.owner.id, async (locked) => {
    const expiresAt = chooseExpiry(maxAge, request, locked.now);
    const { tx, user } = locked;
    await assertMayIssue(locked, request.issuingToken);
    // The id goes into the signed payload, so it is taken before the row is written.
    const [row] = await tx.execute<{ id: number }[]>(
      `select nextval(pg_get_serial_sequence('api_tokens', 'id'))::int as id`,
    );
    const id = row!.id;
    const plaintext = services.scopedTokens.sign({
      tokenId: id,
      userId: user.id,
      scopes,
      issuedAt: Math.floor(locked.now.getTime() / 1000),
      expiresAt: Math.floor(expiresAt.getTime() / 1000),
      epoch: locked.authEpoch,
    });
    const token = tx.create(ApiToken, {
      id,
      user: tx.getReference(User, user.id),
      kind: TokenKind.SCOPED,
      name: recipient ? `for ${recipient}`.slice(0, COLUMN_LIMITS.tokenName) : 'scoped token',
      prefix: displayPrefixOfScoped(plaintext),
      digest: digestToken(plaintext),
      createdAt: locked.now,
      // The signed expiry is in whole seconds: the row says the same.
      expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
      lastUsedAt: null,
      revokedAt: null,
      createdBy: null,
      scopes,
      recipient,
      userEpoch: locked.authEpoch,
    });
    await tx.flush();
    locked.audit({
      event: 'scoped_token_created',
      userId: user.id,
      byUserId: request.issuingToken ? user.id : null,
      tokenId: id,
      scopes: scopes.join(' '),
      recipient,
      expiresAt: token.expiresAt.toISOString(),
      message: `${user.username} created scoped token ${token.prefix}`,
    });
    const { name, prefix, createdAt, lastUsedAt } = token;
    return {
      plaintext,
      owner: user,
      token: {
        id,
        kind: TokenKind.SCOPED,
        name,
        prefix,
        createdAt,
        expiresAt: token.expiresAt,
        lastUsedAt,
        createdBy: null,
        scopes,
        recipient,
      },
    };
  });
}

function chooseExpiry(maxAgeSeconds: number, request: NewScopedToken, now: Date): Date {
  const seconds = request.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > maxAgeSeconds) {
    throw new InvalidInput(
      `maxAgeSeconds must be a whole number from 1 to ${maxAgeSeconds}; scoped tokens always expire.`,
    );
  }
  const expiresAt = new Date(now.getTime() + seconds * 1000);
  const notAfter = request.issuingToken?.expiresAt ?? null;
  if (!notAfter || expiresAt <= notAfter) return expiresAt;
  if (request.maxAgeSeconds === null) return notAfter;
  throw new InvalidInput(
    `A token cannot create a token that outlives itself: the one you are using expires at ${notAfter.toISOString()}.`,
  );
}

function validateRecipient(raw: string | null): string | null {
  if (raw === null) return null;
  const recipient = raw.trim();
  if (recipient === '') return null;
  if (
    [...recipient].length > COLUMN_LIMITS.recipient ||
    /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(recipient)
  ) {
    throw new InvalidInput(`The recipient must be at most ${COLUMN_LIMITS.recipient} printable characters.`);
  }
  return recipient;
}
