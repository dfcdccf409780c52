/**
 * DRF's permission classes as plain objects. A Permission answers one question about a request: may it run this
 * field (`hasPermission`), and, where the field acts on one record, may it act on that record
 * (`hasObjectPermission`). The schema directives (directives.ts) decide which permissions guard which field; a
 * denial is UNAUTHENTICATED for an anonymous caller and FORBIDDEN for an authenticated one, as in DRF.
 */
import { type GraphQLResolveInfo, OperationTypeNode } from 'graphql';
import type { Context } from '../context';

export interface Permission {
  /** One sentence, shown in the permission listing of the schema. */
  readonly description: string;
  hasPermission(context: Context, info: GraphQLResolveInfo): boolean;
  hasObjectPermission?(context: Context, object: unknown): boolean;
}

/** The four built-ins, by directive name. */
export const BUILT_IN_PERMISSIONS = {
  allowAny: {
    description: 'Anyone, authenticated or not.',
    hasPermission: () => true,
  },
  isAuthenticated: {
    description: 'Any authenticated caller.',
    hasPermission: (context) => context.user !== null,
  },
  isAuthenticatedOrReadOnly: {
    description: 'Anyone may query; mutations need an authenticated caller.',
    // GraphQL's SAFE_METHODS: a query operation cannot change anything.
    hasPermission: (context, info) =>
      info.operation.operation === OperationTypeNode.QUERY || context.user !== null,
  },
  isAdmin: {
    description: 'Staff only (Django is_staff).',
    hasPermission: (context) => context.user?.isStaff === true,
  },
} satisfies Record<string, Permission>;

export type BuiltInPermissionName = keyof typeof BUILT_IN_PERMISSIONS;
export const BUILT_IN_PERMISSION_NAMES = Object.keys(BUILT_IN_PERMISSIONS) as BuiltInPermissionName[];
