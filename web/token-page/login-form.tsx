import type { ApolloClient } from '@apollo/client';
import { useState } from 'preact/hooks';
import type { Session } from '../shared/session';
import { LOGIN } from './operations';
import { useAction } from './use-action';
import { ErrorText, Field } from './widgets';

interface LoginFormProps {
  client: ApolloClient;
  /** Why the user is here again (session ended, logged out), shown above the form. */
  notice: string | null;
  onSignedIn: (session: Session) => void;
}

export function LoginForm({ client, notice, onSignedIn }: LoginFormProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const logIn = useAction(async () => {
    setPassword('');
    const { data } = await client.mutate({ mutation: LOGIN, variables: { username, password } });
    onSignedIn({ token: data!.login!.token, username: data!.login!.user.username });
  });
  const { error } = logIn;

  return (
    <section aria-labelledby="login-title" class="card narrow">
      <h1 id="login-title">Log in to manage your tokens</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={(event) => void logIn.run(event)} noValidate>
        <Field
          id="username"
          label="Username"
          value={username}
          onValue={setUsername}
          name="username"
          autocomplete="username"
          required
          aria-describedby={error ? 'login-error' : undefined}
        />
        <Field
          id="password"
          label="Password"
          value={password}
          onValue={setPassword}
          name="password"
          type="password"
          autocomplete="current-password"
          required
          aria-describedby={error ? 'login-error' : undefined}
        />
        <button type="submit" disabled={logIn.busy}>
          Log in
        </button>
        <ErrorText id="login-error" error={error} />
      </form>
    </section>
  );
}
