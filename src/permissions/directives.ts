/**
 * Permissions as schema directives, DRF's `permission_classes` for GraphQL. `@isAuthenticated`,
 * `@isAuthenticatedOrReadOnly`, `@allowAny`, `@isAdmin` and `@can(rule: "...")` go on object types and fields; a
 * field's directives override its type's, several on one field all apply (AND), and a field with none gets
 * DEFAULT_PERMISSION: nothing is open by accident.
 *
 * A directive alone enforces nothing (type-graphql only prints it), so `protectSchema` wraps the resolver of
 * every field of every object type, the default resolver included, and `assertEveryFieldProtected` proves at
 * start-up that none was missed and that every applied directive is one of ours. The check runs when the field
 * runs, which covers every path to it (aliases, fragments, interfaces, unions, nesting) and skips what
 * `@skip`/`@include` removed; a denied field is null with its error at its path, and its resolver never runs.
 */
import { getDirective, MapperKind, mapSchema, printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  type GraphQLFieldResolver,
  GraphQLDirective,
  type GraphQLObjectType,
  GraphQLNonNull,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  GraphQLString,
  isObjectType,
  specifiedDirectives,
} from 'graphql';
import { Directive } from 'type-graphql';
import type { Context } from '../context';
import { NotAuthenticated, PermissionDenied } from '../errors';
import {
  BUILT_IN_PERMISSION_NAMES,
  BUILT_IN_PERMISSIONS,
  type BuiltInPermissionName,
  type Permission,
} from './permission';
import { RULES, type RuleName } from './rules';

const LOCATIONS = [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION];

/** Every directive the schema knows: GraphQL's own (@skip, @include, @deprecated, ...) and ours. */
export const SCHEMA_DIRECTIVES = [
  ...specifiedDirectives,
  ...BUILT_IN_PERMISSION_NAMES.map(
    (name) =>
      new GraphQLDirective({
        name,
        locations: LOCATIONS,
        description: BUILT_IN_PERMISSIONS[name].description,
      }),
  ),
  new GraphQLDirective({
    name: 'can',
    locations: LOCATIONS,
    isRepeatable: true,
    args: { rule: { type: new GraphQLNonNull(GraphQLString) } },
    description: 'A rule of src/permissions/rules by name; several on one field must all pass.',
  }),
];

/** Decorators for resolvers, object types and fields: `@IsAdmin()` writes `@isAdmin` into the schema. */
export const AllowAny = () => Directive('@allowAny');
export const IsAuthenticated = () => Directive('@isAuthenticated');
export const IsAuthenticatedOrReadOnly = () => Directive('@isAuthenticatedOrReadOnly');
export const IsAdmin = () => Directive('@isAdmin');
export const Can = (rule: RuleName) => Directive(`@can(rule: ${JSON.stringify(rule)})`);

interface AppliedPermission {
  label: string;
  permission: Permission;
}

const PROTECTED = Symbol('protected by permissions');
type ProtectedResolver = GraphQLFieldResolver<unknown, Context> & { [PROTECTED]?: AppliedPermission[] };
/** The permissions of each field, by schema coordinate, for checkObjectPermission and the listing. */
const fieldPermissions = new WeakMap<GraphQLSchema, Map<string, AppliedPermission[]>>();

export function protectSchema(
  schema: GraphQLSchema,
  defaultPermission: BuiltInPermissionName,
): GraphQLSchema {
  const byCoordinate = new Map<string, AppliedPermission[]>();
  const rootTypeNames = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((type) => type?.name),
  );
  const fallback = [
    { label: `${defaultPermission} (default)`, permission: BUILT_IN_PERMISSIONS[defaultPermission] },
  ];
  const protectedSchema = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const coordinate = `${typeName}.${fieldName}`;
      const applied =
        permissionsOn(schema, field, coordinate) ??
        permissionsOn(schema, schema.getType(typeName)!, typeName) ??
        fallback;
      byCoordinate.set(coordinate, applied);
      // On a field of a record (not a root field), the record is the object that object rules judge.
      const judgesParent = !rootTypeNames.has(typeName);
      return { ...field, resolve: guard(field.resolve ?? defaultFieldResolver, applied, judgesParent) };
    },
  });
  fieldPermissions.set(protectedSchema, byCoordinate);
  return protectedSchema;
}

/** The field's resolver behind its permission checks; everything that can be decided here is, not per call. */
function guard(
  resolve: GraphQLFieldResolver<unknown, Context>,
  applied: AppliedPermission[],
  judgesParent: boolean,
) {
  const permissions = applied.map(({ permission }) => permission);
  const objectRules = judgesParent
    ? permissions.filter((permission) => permission.hasObjectPermission !== undefined)
    : [];
  const open = permissions.every((permission) => permission === BUILT_IN_PERMISSIONS.allowAny);
  const guarded: ProtectedResolver = open
    ? (parent, args, context, info) => resolve(parent, args, context, info)
    : (parent, args, context, info) => {
        for (const permission of permissions) {
          if (!permission.hasPermission(context, info)) throw denial(context);
        }
        for (const rule of objectRules) {
          if (!rule.hasObjectPermission!(context, parent)) throw denial(context);
        }
        return resolve(parent, args, context, info);
      };
  guarded[PROTECTED] = applied;
  return guarded;
}

/**
 * For a root field that acts on one record it loads itself (`updateTrack(id)`): the field's object permissions,
 * as DRF's `check_object_permissions`. Call it after loading the record and before changing anything.
 */
export function checkObjectPermission(context: Context, info: GraphQLResolveInfo, object: unknown): void {
  const applied = fieldPermissions.get(info.schema)?.get(`${info.parentType.name}.${info.fieldName}`) ?? [];
  for (const { permission } of applied) {
    if (permission.hasObjectPermission?.(context, object) === false) throw denial(context);
  }
}

function denial(context: Context) {
  return context.user ? new PermissionDenied() : new NotAuthenticated();
}

/** The permissions a field or type declares, or null when it declares none. */
function permissionsOn(
  schema: GraphQLSchema,
  node: Parameters<typeof getDirective>[1],
  coordinate: string,
): AppliedPermission[] | null {
  const applied: AppliedPermission[] = [];
  for (const name of BUILT_IN_PERMISSION_NAMES) {
    if (getDirective(schema, node, name))
      applied.push({ label: name, permission: BUILT_IN_PERMISSIONS[name] });
  }
  for (const { rule } of (getDirective(schema, node, 'can') ?? []) as { rule: string }[]) {
    const permission = (RULES as Record<string, Permission | undefined>)[rule];
    if (!permission)
      throw new Error(`@can(rule: "${rule}") on ${coordinate}: no such rule in src/permissions/rules.`);
    applied.push({ label: `can(${rule})`, permission });
  }
  return applied.length > 0 ? applied : null;
}

/**
 * Fails start-up unless every field of every object type is guarded, and every directive applied in the schema
 * is known (type-graphql accepts any text in @Directive: a typo would silently fall back to the default).
 * Run it before Apollo wraps the resolvers for its own tracing.
 */
export function assertEveryFieldProtected(schema: GraphQLSchema): void {
  const known = new Set(schema.getDirectives().map((directive) => directive.name));
  const problems: string[] = [];
  for (const type of objectTypes(schema)) {
    for (const directive of type.astNode?.directives ?? []) {
      if (!known.has(directive.name.value)) problems.push(`unknown @${directive.name.value} on ${type.name}`);
    }
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      for (const directive of field.astNode?.directives ?? []) {
        if (!known.has(directive.name.value))
          problems.push(`unknown @${directive.name.value} on ${coordinate}`);
      }
      if (!(field.resolve as ProtectedResolver | undefined)?.[PROTECTED])
        problems.push(`${coordinate} is unguarded`);
    }
  }
  if (problems.length > 0) throw new Error(`Permission check failed: ${problems.join('; ')}.`);
}

/** Every field's effective permissions, e.g. `Mutation.login: allowAny`, for review and tests. */
export function listFieldPermissions(schema: GraphQLSchema): Record<string, string> {
  const listing: Record<string, string> = {};
  for (const [coordinate, applied] of fieldPermissions.get(schema) ?? []) {
    listing[coordinate] = applied.map(({ label }) => label).join(' & ');
  }
  return listing;
}

/** The SDL with the directives applied where they are (graphql-js's printSchema leaves them out). */
export function printSchemaWithPermissions(schema: GraphQLSchema): string {
  return printSchemaWithDirectives(schema);
}

function objectTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'),
  );
}
