/**
 * `Authorization: TmpToken <token>`: a temporary scoped token (scoped-token-signer.ts). The signature, the key and
 * the expiry are checked before any database work; then the token's row, through the same cache as the other
 * tokens: it must be live (not revoked, not expired), its user active, and the user's auth epoch unchanged since
 * minting. What the token may run is enforced before execution (scope-check.plugin.ts).
 */
import { TokenKind } from '../entities/api-token.entity';
import type { ScopedTokenSigner } from '../tokens/scoped-token-signer';
import { digestToken } from '../tokens/token-format';
import type { AuthCache } from './auth-cache';
import { type AuthRequest, type AuthScheme, CredentialsRejected } from './auth-scheme';
import type { Authentication } from './principal';
import { lookUpToken, recordTokenUse } from './token-lookup';

export class TmpTokenScheme implements AuthScheme {
  readonly name = 'tmptoken';
  readonly keyword = 'TmpToken';
  readonly advertised = true;

  constructor(
    private readonly signer: ScopedTokenSigner,
    private readonly maxAgeSeconds: number,
    private readonly cache: AuthCache,
    private readonly onBackgroundError: (error: unknown) => void,
  ) {}

  async authenticate(credentials: string, request: AuthRequest): Promise<Authentication> {
    const claims = this.signer.verify(credentials, request.now, this.maxAgeSeconds);
    if (!claims) throw new CredentialsRejected();
    const digest = digestToken(credentials);
    const found = await lookUpToken(this.cache, digest, request);
    if (!found || found.token.kind !== TokenKind.SCOPED || found.token.id !== claims.tokenId) {
      throw new CredentialsRejected();
    }
    recordTokenUse(found, request, this.onBackgroundError);
    return {
      user: found.user,
      auth: { scheme: 'tmptoken', token: found.token, scopes: claims.scopes, recipient: found.recipient },
    };
  }
}
