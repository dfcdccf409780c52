import type { Permission } from '../permission';
import { isOwnerOrAdmin } from './is-owner-or-admin.rule';
import { isSelfOrAdmin } from './is-self-or-admin.rule';

/** The rules `@can(rule: "...")` may name. Add yours here; an unknown name stops the server at start-up. */
export const RULES = { isOwnerOrAdmin, isSelfOrAdmin } satisfies Record<string, Permission>;
export type RuleName = keyof typeof RULES;
