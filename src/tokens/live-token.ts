/**
 * The one definition of a live token: not revoked and not yet expired. Only a live token authenticates, can be
 * revoked, rotated or listed, and counts against the bearer-token cap.
 */
/** The SQL condition, for a table alias; it takes one parameter, the current time. */
export function liveTokenSql(alias: string): string {
  return `${alias}.revoked_at is null and ${alias}.expires_at > ?`;
}

/** The same condition as an ORM filter on ApiToken. */
export function liveTokenFilter(now: Date): { revokedAt: null; expiresAt: { $gt: Date } } {
  return { revokedAt: null, expiresAt: { $gt: now } };
}
