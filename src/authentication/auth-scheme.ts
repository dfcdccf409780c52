import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthSchemeName } from '../config';
import type { User } from '../entities/user.entity';
import { INVALID_TOKEN_MESSAGE } from '../errors';
import type { ActiveToken } from '../tokens/api-tokens';

/** Who made the request and with what credential. */
export interface Authentication {
  user: User;
  auth: AuthInfo;
}

export interface AuthInfo {
  scheme: AuthSchemeName;
  token: ActiveToken;
}

export interface AuthRequest {
  em: EntityManager;
  now: Date;
}

/**
 * One way of authenticating, selected by its header keyword. `authenticate` resolves to the caller or throws
 * CredentialsRejected: once the keyword matched, the credential is this scheme's to accept or refuse.
 */
export interface AuthScheme {
  readonly name: AuthSchemeName;
  /** The keyword as it appears in challenges; requests may use any letter case. */
  readonly keyword: string;
  authenticate(credentials: string, request: AuthRequest): Promise<Authentication>;
}

export class CredentialsRejected extends Error {
  /**
   * @param keyword the scheme the credential belongs to, when `message` tells the client to use it: shown only
   * if that scheme is enabled, the generic message otherwise.
   */
  constructor(
    message = INVALID_TOKEN_MESSAGE,
    readonly keyword: string | null = null,
  ) {
    super(message);
  }
}
