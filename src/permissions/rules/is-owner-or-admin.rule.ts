import type { Permission } from '../permission';

/** `@can(rule: "isOwnerOrAdmin")`: a record's owner, or staff, may act on it. Its field stays open to the rest. */
export const isOwnerOrAdmin: Permission = {
  description: "The record's owner, or staff.",
  hasPermission: () => true,
  hasObjectPermission: (context, record) =>
    context.user !== null &&
    (context.user.isStaff || (record as { owner?: { id: number } }).owner?.id === context.user.id),
};
