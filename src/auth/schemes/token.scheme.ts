import { TokenKind } from '../../entities/api-token.entity';
import { ApiTokenScheme } from '../../authentication/api-token.scheme';

/** `Authorization: Token <key>`: DRF's TokenAuthentication, for the login tokens that `login` issues. */
export class TokenScheme extends ApiTokenScheme {
  readonly name = 'token' as const;
  readonly kind = TokenKind.LOGIN;
}
