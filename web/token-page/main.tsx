/**
 * The token page: sign in, then list, create, copy once and revoke your tokens. It is an ordinary frontend of the
 * API: GraphQL over fetch with Apollo Client (api.ts), the login token in memory and sessionStorage only.
 */
import { render } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { forgetSession, loadSession, type Session, saveSession } from '../shared/session';
import { createApiClient } from './api';
import { LoginForm } from './login-form';
import { TokensView } from './tokens-view';
import './styles.css';

export const SESSION_ENDED =
  'Your session has ended: its token expired or was revoked, or you logged out elsewhere. Log in again.';

function App({ graphiqlPath }: { graphiqlPath: string | null }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);
  const current = useRef(session);
  const client = useMemo(
    () =>
      createApiClient({
        getToken: () => current.current?.token ?? null,
        onSessionEnded: () => end(SESSION_ENDED),
      }),
    [],
  );

  function begin(next: Session) {
    saveSession(next);
    current.current = next;
    setSession(next);
    setNotice(null);
  }

  /** Forgets the token and every piece of data shown with it, and returns to the login form. */
  function end(message: string) {
    forgetSession();
    current.current = null;
    setSession(null);
    setNotice(message);
    void client.clearStore();
  }

  return (
    <>
      <header class="banner">
        <p class="brand">tokengate</p>
        {graphiqlPath && (
          <a href={graphiqlPath} class="explorer-link">
            Open GraphiQL
          </a>
        )}
      </header>
      <main>
        {session ? (
          <TokensView key={session.token} client={client} session={session} onSignedOut={end} />
        ) : (
          <LoginForm client={client} notice={notice} onSignedIn={begin} />
        )}
      </main>
    </>
  );
}

const root = document.getElementById('app')!;
render(<App graphiqlPath={root.dataset.graphiql ?? null} />, root);
