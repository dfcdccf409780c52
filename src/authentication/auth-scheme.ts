import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthSchemeName } from '../config';
import { INVALID_TOKEN_MESSAGE } from '../errors';
import type { Authentication } from './principal';

export interface AuthRequest {
  em: EntityManager;
  now: Date;
  /** The client's address, for the password throttle. */
  clientAddress: string;
}

/**
 * One way of authenticating, selected by its header keyword. `authenticate` resolves to the caller or throws
 * CredentialsRejected: once the keyword matched, the credential is this scheme's to accept or refuse.
 */
export interface AuthScheme {
  readonly name: AuthSchemeName;
  /** The keyword as it appears in challenges; requests may use any letter case. */
  readonly keyword: string;
  /** Listed in WWW-Authenticate challenges. */
  readonly advertised: boolean;
  authenticate(credentials: string, request: AuthRequest): Promise<Authentication>;
}

export class CredentialsRejected extends Error {
  /**
   * `keyword` names the scheme the credential belongs to when the message tells the client to use it: the
   * message is shown only if that scheme is enabled, the generic one otherwise.
   */
  constructor(
    message = INVALID_TOKEN_MESSAGE,
    readonly keyword: string | null = null,
  ) {
    super(message);
  }
}
