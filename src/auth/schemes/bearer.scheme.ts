import { TokenKind } from '../../entities/api-token.entity';
import { ApiTokenScheme } from '../../authentication/api-token.scheme';

/** `Authorization: Bearer <token>`: the named personal tokens users make for their scripts. */
export class BearerScheme extends ApiTokenScheme {
  readonly name = 'bearer' as const;
  readonly kind = TokenKind.BEARER;
}
