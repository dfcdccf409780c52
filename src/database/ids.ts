/** A GraphQL ID as a database id, or null when it cannot be one (callers answer NOT_FOUND, as for unknown ids). */
export function parseId(raw: string): number | null {
  return /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null;
}
