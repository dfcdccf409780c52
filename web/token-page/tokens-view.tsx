import type { ApolloClient } from '@apollo/client';
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../shared/session';
import { PageError } from './errors';
import {
  CHANGE_PASSWORD,
  CREATE_BEARER_TOKEN,
  CREATE_SCOPED_TOKEN,
  FIND_USER,
  LOGOUT,
  LOGOUT_ALL,
  type Me,
  REVOKE_TOKEN,
  TOKEN_PAGE,
  type TokenPolicy,
  type TokenRow,
} from './operations';
import { useAction } from './use-action';
import { ConfirmButton, ErrorText, Field, NewSecret, When } from './widgets';

interface TokensViewProps {
  client: ApolloClient;
  session: Session;
  onSignedOut: (message: string) => void;
}

interface PageData {
  me: Me;
  tokens: TokenRow[];
  policy: TokenPolicy;
}

interface Issued {
  token: string;
  usage: string;
}

const KIND_NAMES: Record<TokenRow['kind'], string> = { LOGIN: 'Login', BEARER: 'Bearer', SCOPED: 'Scoped' };

export function TokensView({ client, session, onSignedOut }: TokensViewProps) {
  const [data, setData] = useState<PageData | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);

  const load = useAction(async () => {
    const { data: result } = await client.query({ query: TOKEN_PAGE });
    setData({ me: result!.me!, tokens: result!.myTokens!, policy: result!.tokenPolicy! });
  });
  const reload = () => load.run();

  useEffect(() => {
    void reload();
  }, []);

  async function logOut() {
    // The session ends here whatever the server says: the token is forgotten either way.
    await client.mutate({ mutation: LOGOUT }).catch(() => undefined);
    onSignedOut('You have logged out.');
  }

  return (
    <div class="stack">
      <section class="card signed-in" aria-label="Session">
        <p>
          Signed in as <strong>{session.username}</strong>
        </p>
        <button type="button" class="secondary" onClick={() => void logOut()}>
          Log out
        </button>
      </section>
      <h1>Your tokens</h1>
      <ErrorText id="load-error" error={load.error} />
      {issued && <NewSecret secret={issued.token} usage={issued.usage} onDone={() => setIssued(null)} />}
      {data && (
        <>
          <CreateToken
            client={client}
            policy={data.policy}
            onIssued={(next) => {
              setIssued(next);
              void reload();
            }}
          />
          <TokenTable client={client} tokens={data.tokens} onRevoked={reload} onSignedOut={onSignedOut} />
          {data.me.isStaff && (
            <StaffIssue client={client} policy={data.policy} onIssued={(next) => setIssued(next)} />
          )}
          <Account client={client} onChanged={reload} onSignedOut={onSignedOut} />
        </>
      )}
    </div>
  );
}

function CreateToken(props: {
  client: ApolloClient;
  policy: TokenPolicy;
  onIssued: (issued: Issued) => void;
}) {
  const { policy } = props;
  const [kind, setKind] = useState<'BEARER' | 'SCOPED'>('BEARER');
  const [name, setName] = useState('');
  const [days, setDays] = useState(String(policy.bearerTokenDefaultDays));
  const [scopes, setScopes] = useState<string[]>([]);
  const [minutes, setMinutes] = useState('60');
  const [recipient, setRecipient] = useState('');
  const maxMinutes = Math.floor((policy.scopedTokens?.maxAgeSeconds ?? 0) / 60);

  const create = useAction(async () => {
    if (kind === 'BEARER') {
      const { data } = await props.client.mutate({
        mutation: CREATE_BEARER_TOKEN,
        variables: { name, expiresInDays: Number(days) },
      });
      props.onIssued({
        token: data!.createBearerToken!.token,
        usage: 'Scripts send it as the header Authorization: Bearer <token>.',
      });
      setName('');
    } else {
      const { data } = await props.client.mutate({
        mutation: CREATE_SCOPED_TOKEN,
        variables: { scopes, maxAgeSeconds: Number(minutes) * 60, recipient: recipient || null },
      });
      props.onIssued({
        token: data!.scopedToken!.token,
        usage: 'Send it as the header Authorization: TmpToken <token>; it can run only the chosen fields.',
      });
      setScopes([]);
      setRecipient('');
    }
  });

  return (
    <section aria-labelledby="create-title" class="card">
      <h2 id="create-title">Create token</h2>
      <form onSubmit={(event) => void create.run(event)} noValidate>
        {policy.scopedTokens && (
          <fieldset class="choice">
            <legend>Kind</legend>
            <label>
              <input
                type="radio"
                name="kind"
                checked={kind === 'BEARER'}
                onChange={() => setKind('BEARER')}
              />
              Bearer token, for scripts
            </label>
            <label>
              <input
                type="radio"
                name="kind"
                checked={kind === 'SCOPED'}
                onChange={() => setKind('SCOPED')}
              />
              Scoped token: temporary, limited to some operations
            </label>
          </fieldset>
        )}
        {kind === 'BEARER' ? (
          <>
            <Field
              id="token-name"
              label="Token name"
              value={name}
              onValue={setName}
              required
              maxLength={100}
              aria-describedby="create-error"
            />
            <Field
              id="token-days"
              label="Expires in (days)"
              value={days}
              onValue={setDays}
              type="number"
              min={1}
              max={policy.bearerTokenMaxDays}
              required
              aria-describedby="token-days-hint create-error"
            />
            <p id="token-days-hint" class="quiet">
              From 1 to {policy.bearerTokenMaxDays} days. You may have {policy.bearerTokensPerUser} bearer
              tokens at most.
            </p>
          </>
        ) : (
          <>
            <fieldset class="scopes">
              <legend>Scopes: the operations it may run</legend>
              {policy.scopedTokens!.scopes.map((scope) => (
                <label key={scope}>
                  <input
                    type="checkbox"
                    checked={scopes.includes(scope)}
                    onChange={(event) =>
                      setScopes(
                        event.currentTarget.checked
                          ? [...scopes, scope]
                          : scopes.filter((item) => item !== scope),
                      )
                    }
                  />
                  <code>{scope}</code>
                </label>
              ))}
            </fieldset>
            <Field
              id="token-minutes"
              label="Lifetime (minutes)"
              value={minutes}
              onValue={setMinutes}
              type="number"
              min={1}
              max={maxMinutes}
              aria-describedby="token-minutes-hint create-error"
            />
            <p id="token-minutes-hint" class="quiet">
              From 1 to {maxMinutes} minutes.
            </p>
            <Field
              id="token-recipient"
              label="Recipient (who or what it is for)"
              value={recipient}
              onValue={setRecipient}
              maxLength={200}
              aria-describedby="create-error"
            />
          </>
        )}
        <button type="submit" disabled={create.busy}>
          Create token
        </button>
        <ErrorText id="create-error" error={create.error} />
      </form>
    </section>
  );
}

function TokenTable(props: {
  client: ApolloClient;
  tokens: TokenRow[];
  onRevoked: () => Promise<void>;
  onSignedOut: (message: string) => void;
}) {
  return (
    <section aria-labelledby="tokens-title" class="card">
      <h2 id="tokens-title">My tokens</h2>
      <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="tokens-title">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Prefix</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((token) => (
              <tr key={token.id} data-token-id={token.id} class={token.isCurrent ? 'current' : undefined}>
                <td>
                  {token.name}
                  {token.isCurrent && <span class="badge">this session</span>}
                  {token.createdBy && <span class="quiet"> (issued by {token.createdBy.username})</span>}
                  {token.recipient && <span class="quiet"> (for {token.recipient})</span>}
                </td>
                <td>{KIND_NAMES[token.kind]}</td>
                <td>
                  <When iso={token.createdAt} />
                </td>
                <td>
                  <When iso={token.lastUsedAt} />
                </td>
                <td>
                  <When iso={token.expiresAt} />
                </td>
                <td>
                  <code>{token.prefix}</code>
                </td>
                <td>
                  <RevokeButton {...props} token={token} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RevokeButton(props: {
  client: ApolloClient;
  token: TokenRow;
  onRevoked: () => Promise<void>;
  onSignedOut: (message: string) => void;
}) {
  const { token } = props;
  const revoke = useAction(async () => {
    await props.client.mutate({ mutation: REVOKE_TOKEN, variables: { id: token.id } });
    if (token.isCurrent) props.onSignedOut('You revoked the token of this session. Log in again.');
    else await props.onRevoked();
  });
  return (
    <>
      <ConfirmButton
        label="Revoke"
        accessibleName={`Revoke ${token.name}`}
        confirmLabel="Revoke"
        consequence={
          token.isCurrent
            ? 'This logs you out here.'
            : 'It stops working at once, for every program that uses it.'
        }
        busy={revoke.busy}
        danger
        onConfirm={() => void revoke.run()}
      />
      <ErrorText id={`revoke-error-${token.id}`} error={revoke.error} />
    </>
  );
}

function StaffIssue(props: {
  client: ApolloClient;
  policy: TokenPolicy;
  onIssued: (issued: Issued) => void;
}) {
  const [username, setUsername] = useState('');
  const [found, setFound] = useState<{ id: string; username: string } | null>(null);
  const [name, setName] = useState('');
  const [days, setDays] = useState(String(props.policy.bearerTokenDefaultDays));

  const find = useAction(async () => {
    setFound(null);
    const { data } = await props.client.query({ query: FIND_USER, variables: { username } });
    if (!data?.user) throw new PageError('NOT_FOUND', `No user is called ${username}.`);
    setFound(data.user);
  });

  const issue = useAction(async () => {
    const { data } = await props.client.mutate({
      mutation: CREATE_BEARER_TOKEN,
      variables: { name, expiresInDays: Number(days), forUserId: found!.id },
    });
    props.onIssued({
      token: data!.createBearerToken!.token,
      usage: `A bearer token of ${found!.username}'s, recorded as issued by you. Hand it over safely.`,
    });
    setName('');
  });

  return (
    <section aria-labelledby="staff-title" class="card">
      <h2 id="staff-title">Staff: issue a token for a user</h2>
      <p class="quiet">
        The token belongs to the user and is recorded as issued by you. You never act as them: there is no way
        to take over their session.
      </p>
      <form onSubmit={(event) => void find.run(event)} noValidate>
        <Field
          id="staff-username"
          label="Username"
          value={username}
          onValue={setUsername}
          required
          aria-describedby="find-error"
        />
        <button type="submit" class="secondary">
          Find user
        </button>
        <ErrorText id="find-error" error={find.error} />
      </form>
      {found && (
        <form onSubmit={(event) => void issue.run(event)} noValidate>
          <p>
            Issuing for <strong>{found.username}</strong>
          </p>
          <Field
            id="staff-token-name"
            label="Token name"
            value={name}
            onValue={setName}
            required
            aria-describedby="issue-error"
          />
          <Field
            id="staff-token-days"
            label="Expires in (days)"
            value={days}
            onValue={setDays}
            type="number"
            min={1}
            max={props.policy.bearerTokenMaxDays}
            aria-describedby="issue-error"
          />
          <button type="submit">Issue token for {found.username}</button>
          <ErrorText id="issue-error" error={issue.error} />
        </form>
      )}
    </section>
  );
}

function Account(props: {
  client: ApolloClient;
  onChanged: () => Promise<void>;
  onSignedOut: (message: string) => void;
}) {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);

  const changePassword = useAction(async () => {
    setDone(null);
    // Passwords do not stay in the form, whatever the answer.
    setCurrentPassword('');
    setNewPassword('');
    await props.client.mutate({ mutation: CHANGE_PASSWORD, variables: { currentPassword, newPassword } });
    setDone('Your password is changed, and your other tokens are revoked.');
    await props.onChanged();
  });

  const logOutEverywhere = useAction(async () => {
    await props.client.mutate({ mutation: LOGOUT_ALL });
    props.onSignedOut('You have logged out everywhere: every token of yours is revoked.');
  });

  return (
    <section aria-labelledby="account-title" class="card">
      <h2 id="account-title">Account</h2>
      <form onSubmit={(event) => void changePassword.run(event)} noValidate>
        <h3>Change password</h3>
        <p class="quiet">
          Every other token of yours is revoked, bearer and scoped tokens included; this session stays signed
          in.
        </p>
        <Field
          id="current-password"
          label="Current password"
          value={currentPassword}
          onValue={setCurrentPassword}
          type="password"
          autocomplete="current-password"
          aria-describedby="password-error"
        />
        <Field
          id="new-password"
          label="New password"
          value={newPassword}
          onValue={setNewPassword}
          type="password"
          autocomplete="new-password"
          aria-describedby="password-error"
        />
        <button type="submit">Change password</button>
        <p role="status" class="quiet">
          {done ?? ''}
        </p>
        <ErrorText id="password-error" error={changePassword.error} />
      </form>
      <h3>Log out everywhere</h3>
      <p class="quiet">
        Revokes every token of yours, this session's included: logins on other devices end, and scripts using
        your bearer or scoped tokens stop working.
      </p>
      <ConfirmButton
        label="Log out everywhere"
        confirmLabel="Log out everywhere"
        consequence="Every token of yours stops working now."
        danger
        busy={logOutEverywhere.busy}
        onConfirm={() => void logOutEverywhere.run()}
      />
      <ErrorText id="logout-all-error" error={logOutEverywhere.error} />
    </section>
  );
}
