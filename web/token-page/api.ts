import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, ServerError } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';

export interface ApiClientOptions {
  /** The token to send, read at every request: null sends none. */
  getToken: () => string | null;
  /** The server refused the token (expired, revoked, logged out elsewhere): forget it and show the login form. */
  onSessionEnded: () => void;
}

/** An Apollo Client for tokengate: attaches `Authorization: Token …` and notices when the session has ended. */
export function createApiClient({ getToken, onSessionEnded }: ApiClientOptions) {
  const authLink = new SetContextLink((previous) => {
    const token = getToken();
    const headers = previous.headers as Record<string, string> | undefined;
    return token ? { headers: { ...headers, authorization: `Token ${token}` } } : {};
  });
  // HTTP 401 is the server refusing the token itself; UNAUTHENTICATED with 200 is a field's answer (a wrong
  // current password, say) and leaves the session alone.
  const sessionEndedLink = new ErrorLink(({ error, operation }) => {
    const { headers, response } = operation.getContext() as { headers?: object; response?: Response };
    const status = ServerError.is(error) ? error.statusCode : response?.status;
    if (headers && 'authorization' in headers && status === 401) onSessionEnded();
  });
  return new ApolloClient({
    link: ApolloLink.from([sessionEndedLink, authLink, new HttpLink({ uri: '/graphql' })]),
    cache: new InMemoryCache(),
    // Token lists change under us (another tab, a script): always ask the server.
    defaultOptions: { query: { fetchPolicy: 'no-cache' }, watchQuery: { fetchPolicy: 'no-cache' } },
  });
}
