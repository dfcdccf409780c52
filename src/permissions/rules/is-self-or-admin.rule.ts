import type { Permission } from '../permission';

/** `@can(rule: "isSelfOrAdmin")`: a user's private fields are for that user and for staff. */
export const isSelfOrAdmin: Permission = {
  description: 'The user themselves, or staff.',
  hasPermission: () => true,
  hasObjectPermission: (context, user) =>
    context.user !== null && (context.user.isStaff || (user as { id?: number }).id === context.user.id),
};
