/**
 * The schemes that carry one of our stored API tokens: `Token` (DRF's TokenAuthentication, for the login tokens
 * that `login` issues) and `Bearer` (the named personal tokens users make for scripts): one class, configured
 * once per kind. The credential must be a well-formed token of the scheme's kind, with a valid checksum, before
 * the database is asked; then it must be live (not expired, not revoked) and belong to an active user. Every
 * refusal carries the same message, except a token of another kind, whose kind the prefix already shows: that
 * answer names the keyword to use instead.
 */
import { TokenKind } from '../entities/api-token.entity';
import { digestToken, parseTokenKind } from '../tokens/token-format';
import type { AuthCache } from './auth-cache';
import { type AuthRequest, type AuthScheme, CredentialsRejected } from './auth-scheme';
import type { Authentication } from './principal';
import { lookUpToken, recordTokenUse } from './token-lookup';

const API_TOKEN_SCHEMES = {
  token: { kind: TokenKind.LOGIN, keyword: 'Token', description: 'a login token' },
  bearer: { kind: TokenKind.BEARER, keyword: 'Bearer', description: 'a personal bearer token' },
} as const;
export type ApiTokenSchemeName = keyof typeof API_TOKEN_SCHEMES;

function schemeOfKind(kind: TokenKind) {
  return kind === TokenKind.LOGIN ? API_TOKEN_SCHEMES.token : API_TOKEN_SCHEMES.bearer;
}

export class ApiTokenScheme implements AuthScheme {
  readonly keyword: string;
  readonly advertised = true;
  private readonly kind: TokenKind;

  constructor(
    readonly name: ApiTokenSchemeName,
    private readonly cache: AuthCache,
    private readonly onBackgroundError: (error: unknown) => void,
  ) {
    ({ keyword: this.keyword, kind: this.kind } = API_TOKEN_SCHEMES[name]);
  }

  async authenticate(credentials: string, request: AuthRequest): Promise<Authentication> {
    const kind = parseTokenKind(credentials);
    if (kind === null) throw new CredentialsRejected();
    if (kind !== this.kind) {
      const { description, keyword } = schemeOfKind(kind);
      throw new CredentialsRejected(
        `This is ${description}; send it as "Authorization: ${keyword} <token>".`,
        keyword,
      );
    }
    const digest = digestToken(credentials);
    const found = await lookUpToken(this.cache, digest, request);
    if (!found || found.token.kind !== this.kind) throw new CredentialsRejected();
    recordTokenUse(found, request, this.onBackgroundError);
    return { user: found.user, auth: { scheme: this.name, token: found.token } };
  }
}
