/**
 * A scoped token may run only the root fields its scopes name. The check runs once the operation is chosen and
 * before anything executes: every root field the operation would run, through aliases, named and inline
 * fragments, and as `@skip`/`@include` decide with this request's variables, must be covered; otherwise the whole
 * request is refused (HTTP 403, RFC 6750's insufficient_scope) and no resolver runs. `__typename` is always
 * allowed. A scoped token only narrows: the field permissions still apply to what it may run.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../context';
import { AppError, ErrorCode } from '../errors';
import { scopeCatalogOf } from '../tokens/scopes';

export function scopeCheckPlugin(): ApolloServerPlugin<Context> {
  return {
    // Only requests made with a scoped token get a hook: the others, nearly all of them, pay nothing.
    requestDidStart: ({ contextValue }) => {
      const { auth } = contextValue;
      if (auth?.scheme !== 'tmptoken') return Promise.resolve();
      return Promise.resolve({
        didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return Promise.resolve();
          const rootType = schema.getRootType(operation.operation)!.name;
          const catalog = scopeCatalogOf(schema);
          const outside = rootFieldsOf(document, operation, request.variables ?? {})
            .filter((name) => name !== '__typename')
            .map((name) => `${rootType}.${name}`)
            .filter((coordinate) => !catalog.covers(auth.scopes, coordinate));
          if (outside.length === 0) return Promise.resolve();
          throw new AppError(
            ErrorCode.Forbidden,
            `This token's scopes do not include ${outside.join(', ')}.`,
            403,
            new Map([['www-authenticate', 'TmpToken realm="tokengate", error="insufficient_scope"']]),
          );
        },
      });
    },
  };
}

/** The names of the root fields the operation would execute, after fragments and @skip/@include. */
export function rootFieldsOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): string[] {
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const names = new Set<string>();
  const visit = (selectionSet: SelectionSetNode, entered: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (getDirectiveValues(GraphQLSkipDirective, selection, variables)?.if === true) continue;
      if (getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.if === false) continue;
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, entered);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !entered.has(fragment.name.value)) {
          visit(fragment.selectionSet, new Set([...entered, fragment.name.value]));
        }
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return [...names];
}
