/**
 * What a scoped token may be limited to: schema coordinates of root fields of the running schema (`Query.me`,
 * `Mutation.createTrack`), or `Query.*` for every query field that may be granted (a read-only token). Fields
 * that manage credentials or users are marked with ManagesCredentials and can never be granted, so a scoped token
 * can never mint, rotate or revoke a token, change a password or administer users; neither can introspection.
 */
import { type GraphQLSchema, OperationTypeNode } from 'graphql';
import { Extensions } from 'type-graphql';
import { InvalidInput } from '../errors';

/** Marks a root field that manages credentials or users: no scoped token may call it. */
export const ManagesCredentials = () => Extensions({ managesCredentials: true });

const ROOT_TYPES = [OperationTypeNode.QUERY, OperationTypeNode.MUTATION] as const;
const MAX_SCOPES = 50;

export class ScopeCatalog {
  /** The coordinates a scoped token may be granted, each root type's in schema order. */
  readonly grantable = new Set<string>();
  private readonly rootTypeNames = new Set<string>();

  constructor(schema: GraphQLSchema) {
    for (const operation of ROOT_TYPES) {
      const type = schema.getRootType(operation);
      if (!type) continue;
      this.rootTypeNames.add(type.name);
      for (const field of Object.values(type.getFields())) {
        if (field.name.startsWith('__') || field.extensions.managesCredentials === true) continue;
        this.grantable.add(`${type.name}.${field.name}`);
      }
    }
  }

  /** The requested scopes, trimmed and without repeats; BAD_USER_INPUT naming any that cannot be granted. */
  validate(requested: readonly string[]): string[] {
    const scopes = [...new Set(requested.map((scope) => scope.trim()))];
    if (scopes.length === 0)
      throw new InvalidInput('A scoped token needs at least one scope, such as Query.me.');
    if (scopes.length > MAX_SCOPES)
      throw new InvalidInput(`A scoped token may have at most ${MAX_SCOPES} scopes.`);
    const refused = scopes.filter((scope) => !this.isGrantable(scope));
    if (refused.length > 0) {
      throw new InvalidInput(
        `These scopes cannot be granted: ${refused.map((scope) => JSON.stringify(scope.slice(0, 100))).join(', ')}. A scope is a root field such as Query.me or Mutation.createTrack, or Query.* for every query; fields that manage credentials or users are never granted.`,
      );
    }
    return scopes;
  }

  /** Whether `scopes` let a request run this root field (`Query.me`). */
  covers(scopes: readonly string[], coordinate: string): boolean {
    if (!this.grantable.has(coordinate)) return false;
    return scopes.includes(coordinate) || scopes.includes(`${coordinate.split('.')[0]}.*`);
  }

  private isGrantable(scope: string): boolean {
    const [typeName, fieldName, ...rest] = scope.split('.');
    if (rest.length > 0 || !typeName || !fieldName) return false;
    return fieldName === '*' ? this.rootTypeNames.has(typeName) : this.grantable.has(scope);
  }
}

const catalogs = new WeakMap<GraphQLSchema, ScopeCatalog>();

export function scopeCatalogOf(schema: GraphQLSchema): ScopeCatalog {
  let catalog = catalogs.get(schema);
  if (!catalog) catalogs.set(schema, (catalog = new ScopeCatalog(schema)));
  return catalog;
}
