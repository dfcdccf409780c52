/**
 * `Authorization: Token <key>`, DRF's TokenAuthentication made stricter: the key must be a well-formed login
 * token with a valid checksum before the database is asked, and the token must be live (not expired, not
 * revoked) and belong to an active user. Every refusal carries the same message.
 */
import { TokenKind } from '../../entities/api-token.entity';
import { findActiveToken, isTouchDue, touchToken } from '../api-tokens';
import { parseTokenType } from '../secrets';
import { type AuthRequest, type AuthScheme, type Authentication, CredentialsRejected } from './auth-scheme';

export class TokenScheme implements AuthScheme {
  readonly name = 'token' as const;
  readonly keyword = 'Token';

  constructor(private readonly onBackgroundError: (error: unknown) => void) {}

  async authenticate(credentials: string, request: AuthRequest): Promise<Authentication> {
    if (parseTokenType(credentials) !== 'login') throw new CredentialsRejected();
    const found = await findActiveToken(request.em, credentials, request.now);
    if (!found || found.token.kind !== TokenKind.Login) throw new CredentialsRejected();
    if (isTouchDue(found.token, request.now)) {
      touchToken(request.em, found.token, request.now).catch(this.onBackgroundError);
    }
    return { user: found.user, auth: { scheme: this.name, token: found.token } };
  }
}
