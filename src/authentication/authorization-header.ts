export interface AuthorizationHeader {
  keyword: string;
  credentials: string;
}

/**
 * Splits an Authorization header into its scheme keyword and the rest. An absent or blank header is null, i.e.
 * anonymous: Apollo Client's documented auth link sends `authorization: ""` when the user has no token.
 * Everything else is returned as it is, for the scheme to accept or refuse.
 */
export function parseAuthorizationHeader(value: string | undefined): AuthorizationHeader | null {
  const trimmed = value?.replace(/^[ \t]+|[ \t]+$/g, '');
  if (!trimmed) return null;
  const separator = trimmed.search(/[ \t]/);
  if (separator === -1) return { keyword: trimmed, credentials: '' };
  return {
    keyword: trimmed.slice(0, separator),
    credentials: trimmed.slice(separator).replace(/^[ \t]+/, ''),
  };
}
