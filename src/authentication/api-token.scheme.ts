/**
 * The schemes that carry one of our stored API tokens (`Token`, `Bearer`). The credential must be a well-formed
 * token of the scheme's kind, with a valid checksum, before the database is asked; then it must be live (not
 * expired, not revoked) and belong to an active user. Every refusal carries the same message, except a token of
 * another kind, whose kind the prefix already shows: that answer names the keyword to use instead.
 */
import { TokenKind } from '../entities/api-token.entity';
import { isTouchDue, loadActiveToken, touchToken } from '../tokens/api-tokens';
import type { AuthCache } from './auth-cache';
import { digestToken, parseTokenKind } from '../tokens/token-format';
import { type AuthRequest, type AuthScheme, type Authentication, CredentialsRejected } from './auth-scheme';
import type { AuthSchemeName } from '../config';

export const KEYWORD_OF_KIND: Record<TokenKind, string> = {
  [TokenKind.LOGIN]: 'Token',
  [TokenKind.BEARER]: 'Bearer',
};
const DESCRIPTION_OF_KIND: Record<TokenKind, string> = {
  [TokenKind.LOGIN]: 'a login token',
  [TokenKind.BEARER]: 'a personal bearer token',
};

export abstract class ApiTokenScheme implements AuthScheme {
  abstract readonly name: AuthSchemeName;
  abstract readonly kind: TokenKind;

  constructor(
    private readonly cache: AuthCache,
    private readonly onBackgroundError: (error: unknown) => void,
  ) {}

  get keyword(): string {
    return KEYWORD_OF_KIND[this.kind];
  }

  async authenticate(credentials: string, request: AuthRequest): Promise<Authentication> {
    const kind = parseTokenKind(credentials);
    if (kind === null) throw new CredentialsRejected();
    if (kind !== this.kind) {
      throw new CredentialsRejected(
        `This is ${DESCRIPTION_OF_KIND[kind]}; send it as "Authorization: ${KEYWORD_OF_KIND[kind]} <token>".`,
        KEYWORD_OF_KIND[kind],
      );
    }
    const digest = digestToken(credentials);
    const found =
      this.cache.get(digest, request.now) ??
      (await this.cache.lookup(digest, request.now, () => loadActiveToken(request.em, digest, request.now)));
    if (!found || found.token.kind !== this.kind) throw new CredentialsRejected();
    if (isTouchDue(found.token, request.now)) {
      touchToken(request.em, found.token, request.now).catch(this.onBackgroundError);
    }
    // A copy per request: resolvers may change their User, and the cached one serves other requests.
    const user = { ...found.user };
    return { user, auth: { scheme: this.name, token: { ...found.token } } };
  }
}
