/**
 * Temporary scoped tokens are signed, not random: `tgs.<kid>.<payload>.<signature>`.
 * - The signature is HMAC-SHA-256 over everything before it, with a key derived from SECRET_KEY for this purpose
 *   alone (HKDF with its own label), so nothing signed with SECRET_KEY for another purpose ever verifies here.
 * - `kid` names the key: SECRET_KEY signs, SECRET_KEY_FALLBACKS still verify, and dropping a key from the list
 *   invalidates exactly the tokens it signed.
 * - One spelling is accepted: a strict pattern, and the signature compared in constant time as the exact string
 *   we would have written (base64 has other spellings of the same bytes).
 * - The payload is readable by whoever holds the token: it carries ids, scopes and times, nothing secret and
 *   nothing personal. Its lifetime is checked against the server's cap too, not only taken from the payload.
 * Verification needs no database; the token's row (revocation, the user's epoch) is checked after it.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'tokengate scoped token v1';
const TOKEN_PATTERN = /^tgs\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16,2048})\.([A-Za-z0-9_-]{43})$/;
/** Minting and checking servers' clocks may differ a little. */
const CLOCK_SKEW_SECONDS = 60;

export interface ScopedTokenClaims {
  tokenId: number;
  userId: number;
  scopes: string[];
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** The user's auth epoch at minting: logging out everywhere, a password change or deactivation moves it on. */
  epoch: number;
}

interface SigningKey {
  kid: string;
  key: Buffer;
}

export class ScopedTokenSigner {
  private readonly current: SigningKey;
  private readonly byKid: Map<string, SigningKey>;

  constructor(secretKey: string, fallbackKeys: readonly string[] = []) {
    this.current = deriveKey(secretKey);
    this.byKid = new Map([this.current, ...fallbackKeys.map(deriveKey)].map((key) => [key.kid, key]));
  }

  sign(claims: ScopedTokenClaims): string {
    const payload = Buffer.from(
      JSON.stringify({
        t: claims.tokenId,
        u: claims.userId,
        s: claims.scopes,
        iat: claims.issuedAt,
        exp: claims.expiresAt,
        ep: claims.epoch,
      }),
    ).toString('base64url');
    const unsigned = `tgs.${this.current.kid}.${payload}`;
    return `${unsigned}.${signature(this.current.key, unsigned)}`;
  }

  /** The claims of a token this server signed that is still within its lifetime, or null. */
  verify(token: string, now: Date, maxAgeSeconds: number): ScopedTokenClaims | null {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return null;
    const [, kid, payload, given] = match as unknown as [string, string, string, string];
    const key = this.byKid.get(kid);
    if (!key) return null;
    const expected = signature(key.key, `tgs.${kid}.${payload}`);
    if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return null;
    const claims = parseClaims(payload);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (!claims || claims.expiresAt <= nowSeconds) return null;
    if (claims.issuedAt > nowSeconds + CLOCK_SKEW_SECONDS) return null;
    if (claims.expiresAt - claims.issuedAt > maxAgeSeconds) return null;
    return claims;
  }
}

/** The short part of a token shown in listings: its kind and the end of its signature. */
export function displayPrefixOfScoped(token: string): string {
  return `tgs…${token.slice(-8)}`;
}

function deriveKey(secretKey: string): SigningKey {
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'tokengate', PURPOSE, 32));
  return { key, kid: createHmac('sha256', key).update('key id').digest('hex').slice(0, 8) };
}

function signature(key: Buffer, unsigned: string): string {
  return createHmac('sha256', key).update(unsigned).digest('base64url');
}

function parseClaims(payload: string): ScopedTokenClaims | null {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const { t, u, s, iat, exp, ep } = (raw ?? {}) as Record<string, unknown>;
  const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
  if (
    ![t, u, iat, exp, ep].every(isCount) ||
    !Array.isArray(s) ||
    !s.every((scope) => typeof scope === 'string')
  ) {
    return null;
  }
  return {
    tokenId: t as number,
    userId: u as number,
    scopes: s,
    issuedAt: iat as number,
    expiresAt: exp as number,
    epoch: ep as number,
  };
}
