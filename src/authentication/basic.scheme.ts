/**
 * `Authorization: Basic <base64(username:password)>`, DRF's BasicAuthentication: "only appropriate for testing".
 * Off unless AUTH_SCHEMES lists `basic`. The credential is parsed strictly (RFC 7617: canonical base64, UTF-8
 * without control characters, split at the first colon) and checked exactly as `login` checks a password: one
 * bcrypt check whatever is wrong, one generic answer, and the same throttle (login-throttle.ts). Basic is never offered in WWW-Authenticate: a browser
 * would prompt for a password and then send it with every request to this origin.
 */
import { checkCredentials } from '../accounts/login';
import type { LoginThrottle } from '../accounts/login-throttle';
import type { PasswordHasher } from '../accounts/passwords';
import { INVALID_CREDENTIALS_MESSAGE } from '../errors';
import { type AuthRequest, type AuthScheme, CredentialsRejected } from './auth-scheme';
import type { Authentication } from './principal';

const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class BasicScheme implements AuthScheme {
  readonly name = 'basic';
  readonly keyword = 'Basic';
  readonly advertised = false;

  constructor(
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {}

  async authenticate(credentials: string, request: AuthRequest): Promise<Authentication> {
    // A malformed credential still costs the bcrypt check (as an impossible username), so timing tells nothing.
    const { username, password } = decodeBasicCredentials(credentials) ?? { username: '', password: '' };
    const attempt = { username, address: request.clientAddress };
    const verified = await this.throttle.guard(request.em, attempt, () =>
      checkCredentials(request.em, this.passwords, username, password),
    );
    if (!verified) throw new CredentialsRejected(INVALID_CREDENTIALS_MESSAGE);
    return { user: verified.user, auth: { scheme: 'basic' } };
  }
}

/** The username and password of a Basic credential, or null unless it is spelled exactly as RFC 7617 says. */
export function decodeBasicCredentials(credentials: string): { username: string; password: string } | null {
  if (!credentials || !CANONICAL_BASE64.test(credentials)) return null;
  const bytes = Buffer.from(credentials, 'base64');
  // Base64 can spell the same bytes with other padding bits: only the canonical spelling is accepted.
  if (bytes.toString('base64') !== credentials) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  const colon = text.indexOf(':');
  if (colon === -1 || /\p{Cc}/u.test(text)) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
