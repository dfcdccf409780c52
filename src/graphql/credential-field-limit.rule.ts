/**
 * A GraphQL document may ask for the same mutation field many times under aliases or in fragments. For the fields
 * that check a password (bcrypt, about 0.4 s of CPU each) or issue a credential, that turns one small request into
 * minutes of work, a batch of password guesses or a pile of tokens. A document may contain at most one of them,
 * counted after aliases and fragments; a second one fails validation (HTTP 400), so no resolver runs at all.
 */
import { GraphQLError, type ValidationContext, type ASTVisitor } from 'graphql';

const CREDENTIAL_FIELDS = [
  'login',
  'rotateToken',
  'createBearerToken',
  'scopedToken',
  'changePassword',
  'createUser',
];
const LIMITED = new Set(CREDENTIAL_FIELDS);

export function credentialFieldLimitRule(context: ValidationContext): ASTVisitor {
  let seen = 0;
  return {
    Field(node) {
      const parent = context.getParentType();
      if (parent?.name !== 'Mutation' || !LIMITED.has(node.name.value)) return;
      seen += 1;
      if (seen === 2) {
        context.reportError(
          new GraphQLError(
            `A request may run only one of ${CREDENTIAL_FIELDS.slice(0, -1).join(', ')} and ${CREDENTIAL_FIELDS.at(-1)}.`,
            { nodes: node },
          ),
        );
      }
    },
  };
}
