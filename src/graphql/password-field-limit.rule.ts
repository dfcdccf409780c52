/**
 * A GraphQL document may ask for the same mutation field many times under aliases. For fields that run bcrypt
 * (about 0.4 s of CPU each) that turns one small request into minutes of work and a password-guessing batch, so
 * a document may contain at most one of them.
 */
import { GraphQLError, type ValidationContext, type ASTVisitor } from 'graphql';

const PASSWORD_FIELDS = new Set(['login', 'changePassword', 'createUser']);

export function passwordFieldLimitRule(context: ValidationContext): ASTVisitor {
  let seen = 0;
  return {
    Field(node) {
      const parent = context.getParentType();
      if (parent?.name !== 'Mutation' || !PASSWORD_FIELDS.has(node.name.value)) return;
      seen += 1;
      if (seen === 2) {
        context.reportError(
          new GraphQLError('A request may run only one of login, changePassword and createUser.', {
            nodes: node,
          }),
        );
      }
    },
  };
}
