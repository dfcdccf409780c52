/**
 * Relay-style cursor pagination over an id-ordered list: `first` (1 to 100, default 20) and `after` (a cursor
 * this list returned). Cursors are opaque: base64url of `<list>:<id>`; one from another list, or a forged one,
 * is refused rather than guessed at.
 */
import { InvalidInput } from '../errors';
import { parseId } from '../database/ids';

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  /** How many rows to return; ask the database for one more, to know whether there is a next page. */
  size: number;
  afterId: number | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function parsePage(list: string, request: PageRequest): Page {
  const size = request.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new InvalidInput(`first must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  if (request.after == null) return { size, afterId: null };
  const afterId = decodeCursor(list, request.after);
  if (afterId === null) throw new InvalidInput('after must be a cursor that this list returned.');
  return { size, afterId };
}

/** The connection for rows fetched with `limit: page.size + 1`. */
export function toConnection<T extends { id: number }>(list: string, page: Page, rows: T[]): Connection<T> {
  const edges = rows.slice(0, page.size).map((node) => ({ cursor: encodeCursor(list, node.id), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > page.size, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

function encodeCursor(list: string, id: number): string {
  return Buffer.from(`${list}:${id}`).toString('base64url');
}

function decodeCursor(list: string, cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${list}:`)) return null;
  const id = parseId(text.slice(list.length + 1));
  // One spelling only: the cursor must be exactly the one this list would have written.
  return id !== null && encodeCursor(list, id) === cursor ? id : null;
}
