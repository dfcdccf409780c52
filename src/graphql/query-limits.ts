/**
 * Limits on the shape of one GraphQL document, checked before anything runs: nesting depth, aliases, tokens,
 * directives and an estimated cost (graphql-armor), and fragment recursion (Apollo's maxRecursiveSelections).
 * Without them a few kilobytes of query can ask for millions of fields. Introspection is exempt from depth and
 * cost (GraphiQL's own introspection query is deep); it is governed by GRAPHQL_INTROSPECTION instead.
 *
 * A refused document gets HTTP 400 with GRAPHQL_VALIDATION_FAILED (GRAPHQL_PARSE_FAILED for the token count,
 * which is checked while parsing). Whether the message names the limit is a setting, off in production.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { QueryLimits } from '../config';

export interface QueryLimitProtection {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
}

// graphql-js 16 writes "more that"; a later release may fix the spelling.
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens\. Parsing aborted\.$/;

export function queryLimitProtection(limits: QueryLimits): QueryLimitProtection {
  // With exposeLimits on, graphql-armor writes its own message with the numbers and ignores errorMessage.
  const common = {
    exposeLimits: limits.exposeLimits,
    propagateOnRejection: false,
    onReject: [reportRefusal],
  };
  const armor = new ApolloArmor({
    maxDepth: { ...common, n: limits.maxDepth, errorMessage: 'The query is nested too deeply.' },
    maxAliases: { ...common, n: limits.maxAliases, errorMessage: 'The query has too many aliases.' },
    // Its Apollo plugin answers 500 under Apollo 5 (it throws from parsingDidStart): graphql-js counts instead.
    maxTokens: { enabled: false },
    maxDirectives: { ...common, n: limits.maxDirectives, errorMessage: 'The query has too many directives.' },
    costLimit: { ...common, maxCost: limits.maxCost, errorMessage: 'The query asks for too much at once.' },
    // Apollo's hideSchemaDetailsFromClientErrors does this too; armor's also covers messages Apollo's misses.
    blockFieldSuggestion: { enabled: true },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: [...plugins, ...(limits.exposeLimits ? [] : [hideTokenLimit])],
    validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/**
 * A validation error, so that Apollo answers 400 GRAPHQL_VALIDATION_FAILED. graphql-armor's own reporter would
 * call it BAD_USER_INPUT and keep its "Syntax Error:" prefix, which is not what happened.
 */
function reportRefusal(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
}

const hideTokenLimit: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      didEncounterErrors: ({ errors }) => {
        for (const error of errors) {
          if (TOO_MANY_TOKENS.test(error.message)) error.message = 'The query is too long.';
        }
        return Promise.resolve();
      },
    }),
};
