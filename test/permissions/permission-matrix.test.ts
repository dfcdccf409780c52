/**
 * Who may run what, over real HTTP: every kind of caller against a field of each permission, asked directly,
 * through an alias and through a fragment. A denial is the field set to null with its code at its path, HTTP 200,
 * and nothing changed in the database.
 */
import type { Principal } from '../../src/authentication/principal';
import { Track } from '../../src/entities/track.entity';
import { User } from '../../src/entities/user.entity';
import {
  bearerHeader,
  createBearerTokenWith,
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  tokenHeader,
} from '../support/test-server';

type Caller = 'anonymous' | 'user (Token)' | 'user (Bearer)' | 'user (Basic)' | 'owner' | 'staff';
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';
const CALLERS: Caller[] = ['anonymous', 'user (Token)', 'user (Bearer)', 'user (Basic)', 'owner', 'staff'];

let server: TestServer;
const headers = {} as Record<Caller, Record<string, string>>;
let owner: Principal;

beforeAll(async () => {
  server = await startTestServer({ authSchemes: ['token', 'bearer', 'basic'] });
  const user = await makeUser(server);
  const userLogin = await logInAs(server, user.username);
  owner = await makeUser(server);
  const staff = await makeUser(server, { isStaff: true });
  headers.anonymous = {};
  headers['user (Token)'] = tokenHeader(userLogin);
  headers['user (Bearer)'] = bearerHeader(await createBearerTokenWith(server, userLogin));
  headers['user (Basic)'] = {
    authorization: `Basic ${Buffer.from(`${user.username}:${TEST_PASSWORD}`).toString('base64')}`,
  };
  headers.owner = tokenHeader(await logInAs(server, owner.username));
  headers.staff = tokenHeader(await logInAs(server, staff.username));
});
afterAll(() => server.close());

async function ownersTrack(): Promise<number> {
  const em = server.orm.em.fork();
  const track = em.create(Track, {
    title: 'Original',
    artist: 'Someone',
    durationSeconds: 60,
    owner: em.getReference(User, owner.id),
    createdAt: new Date(),
  });
  await em.flush();
  return track.id;
}

interface Operation {
  name: string;
  type: 'query' | 'mutation';
  /** The selection, with `ALIAS` where the field's response key goes. */
  field: (target: number) => string;
  expected: Record<Caller, Outcome>;
  /** A fresh target (a track, a user) for each request; returns its id. */
  prepare?: () => Promise<number>;
  /** Whether the operation's effect is visible in the database for that target. */
  happened?: (target: number) => Promise<boolean>;
}

const everyone: Record<Caller, Outcome> = {
  anonymous: 'ok',
  'user (Token)': 'ok',
  'user (Bearer)': 'ok',
  'user (Basic)': 'ok',
  owner: 'ok',
  staff: 'ok',
};
const signedIn = { ...everyone, anonymous: 'UNAUTHENTICATED' } as const;
const staffOnly = {
  ...signedIn,
  'user (Token)': 'FORBIDDEN',
  'user (Bearer)': 'FORBIDDEN',
  'user (Basic)': 'FORBIDDEN',
  owner: 'FORBIDDEN',
} as const;
const ownerOrStaff = { ...staffOnly, owner: 'ok' } as const;

const trackTitle = async (id: number) => (await server.orm.em.fork().findOne(Track, id))?.title ?? null;

const OPERATIONS: Operation[] = [
  {
    name: 'tracks (isAuthenticatedOrReadOnly query)',
    type: 'query',
    field: () => 'ALIAS: tracks(first: 1) { edges { node { id } } }',
    expected: everyone,
  },
  { name: 'me (isAuthenticated query)', type: 'query', field: () => 'ALIAS: me { id }', expected: signedIn },
  {
    name: 'users (isAdmin query)',
    type: 'query',
    field: () => 'ALIAS: users(first: 1) { edges { cursor } }',
    expected: staffOnly,
  },
  {
    name: 'createTrack (isAuthenticatedOrReadOnly mutation)',
    type: 'mutation',
    prepare: () => Promise.resolve(Math.floor(Math.random() * 1e9)),
    field: (marker) =>
      `ALIAS: createTrack(input: { title: "t${marker}", artist: "a", durationSeconds: 5 }) { id }`,
    happened: async (marker) => (await server.orm.em.fork().count(Track, { title: `t${marker}` })) === 1,
    expected: signedIn,
  },
  {
    name: 'updateTrack (owner or staff)',
    type: 'mutation',
    prepare: ownersTrack,
    field: (id) => `ALIAS: updateTrack(id: "${id}", input: { title: "Changed" }) { title }`,
    happened: async (id) => (await trackTitle(id)) === 'Changed',
    expected: ownerOrStaff,
  },
  {
    name: 'deleteTrack (owner or staff)',
    type: 'mutation',
    prepare: ownersTrack,
    field: (id) => `ALIAS: deleteTrack(id: "${id}")`,
    happened: async (id) => (await trackTitle(id)) === null,
    expected: ownerOrStaff,
  },
  {
    name: 'setUserActive (isAdmin mutation)',
    type: 'mutation',
    prepare: async () => (await makeUser(server)).id,
    field: (id) => `ALIAS: setUserActive(id: "${id}", active: false) { id }`,
    happened: async (id) => !(await server.orm.em.fork().findOneOrFail(User, id)).isActive,
    expected: staffOnly,
  },
];

const FORMS = {
  direct: (type: string, field: string) => `${type} { ${field.replace('ALIAS: ', '')} }`,
  alias: (type: string, field: string) => `${type} { ${field.replace('ALIAS', 'answer')} }`,
  fragment: (type: string, field: string) =>
    `${type} { ...Part } fragment Part on ${type === 'query' ? 'Query' : 'Mutation'} { ... on ${
      type === 'query' ? 'Query' : 'Mutation'
    } { ${field.replace('ALIAS', 'answer')} } }`,
};

const cases = OPERATIONS.flatMap((operation) =>
  CALLERS.flatMap((caller) =>
    (Object.keys(FORMS) as (keyof typeof FORMS)[]).map((form) => ({
      operation,
      caller,
      form,
      expected: operation.expected[caller],
    })),
  ),
);

it.each(cases)(
  '$operation.name by $caller, $form: $expected',
  async ({ operation, caller, form, expected }) => {
    const target = (await operation.prepare?.()) ?? 0;
    const query = FORMS[form](operation.type, operation.field(target));
    const response = await graphql(server, query, { headers: headers[caller] });
    const key = form === 'direct' ? /ALIAS: (\w+)/.exec(operation.field(target))![1]! : 'answer';

    expect(response.status).toBe(200);
    if (expected === 'ok') {
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.[key]).not.toBeNull();
    } else {
      expect(response.body.data).toEqual({ [key]: null });
      expect(response.body.errors).toEqual([
        expect.objectContaining({ path: [key], extensions: { code: expected } }),
      ]);
    }
    if (operation.happened) expect(await operation.happened(target)).toBe(expected === 'ok');
  },
);
