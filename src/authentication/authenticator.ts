/**
 * Runs the enabled authentication schemes for a request, DRF-style: the header's keyword picks the scheme, and a
 * credential that is presented but refused fails the whole request with HTTP 401 and a WWW-Authenticate
 * challenge listing the enabled schemes. Nothing presented means anonymous; an unknown keyword or a refused
 * credential never silently falls back to anonymous. (Several Authorization headers are refused before this:
 * context.ts.)
 */
import { AuthenticationFailed, INVALID_TOKEN_MESSAGE } from '../errors';
import { parseAuthorizationHeader } from './authorization-header';
import { type AuthRequest, type AuthScheme, CredentialsRejected } from './auth-scheme';
import type { Authentication } from './principal';

const REALM = 'tokengate';

export class Authenticator {
  constructor(private readonly schemes: readonly AuthScheme[]) {}

  /** The caller, or null for an anonymous request; throws AuthenticationFailed. */
  async authenticate(headerValue: string | undefined, request: AuthRequest): Promise<Authentication | null> {
    const header = parseAuthorizationHeader(headerValue);
    if (!header) return null;
    const scheme = this.findScheme(header.keyword);
    if (!scheme) {
      throw this.fail(`Unsupported authorization scheme; use ${this.keywords()}.`, null);
    }
    try {
      return await scheme.authenticate(header.credentials, request);
    } catch (error) {
      if (error instanceof CredentialsRejected) {
        const pointsToDisabledScheme = error.keyword !== null && !this.findScheme(error.keyword);
        throw this.fail(pointsToDisabledScheme ? INVALID_TOKEN_MESSAGE : error.message, scheme);
      }
      throw error;
    }
  }

  /** The WWW-Authenticate value: one challenge per enabled scheme, the refused one marked invalid_token. */
  challenge(refused: AuthScheme | null): string {
    return this.schemes
      .filter((scheme) => scheme.advertised)
      .map((scheme) =>
        scheme === refused
          ? `${scheme.keyword} realm="${REALM}", error="invalid_token"`
          : `${scheme.keyword} realm="${REALM}"`,
      )
      .join(', ');
  }

  private findScheme(keyword: string): AuthScheme | undefined {
    const wanted = keyword.toLowerCase();
    return this.schemes.find((scheme) => scheme.keyword.toLowerCase() === wanted);
  }

  private fail(message: string, refused: AuthScheme | null): AuthenticationFailed {
    return new AuthenticationFailed(message, this.challenge(refused));
  }

  /** "Token, Bearer or TmpToken": the advertised keywords, as a sentence lists them. */
  private keywords(): string {
    const keywords = this.schemes.filter((scheme) => scheme.advertised).map((scheme) => scheme.keyword);
    return keywords.length > 1
      ? `${keywords.slice(0, -1).join(', ')} or ${keywords.at(-1)}`
      : (keywords[0] ?? '');
  }
}
