/**
 * The signed-in state of the browser pages: the login token and whose it is. It lives in memory and in
 * sessionStorage, which this tab alone can read and which ends with it; never in localStorage (kept for ever,
 * shared by every tab) nor in a cookie (sent by the browser on its own, so open to cross-site requests).
 * GraphiQL reads it to prefill its Authorization header.
 */
export interface Session {
  token: string;
  username: string;
}

const KEY = 'tokengate.session';

export function loadSession(): Session | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<Session> | null;
    return typeof value?.token === 'string' && typeof value.username === 'string'
      ? { token: value.token, username: value.username }
      : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}
