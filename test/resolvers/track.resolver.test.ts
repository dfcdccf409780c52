import {
  errorOf,
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  type TestServer,
  tokenHeader,
} from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const CREATE = `mutation($input: TrackInput!) { createTrack(input: $input) { id title artist durationSeconds owner { username } } }`;
const TRACKS = `query($first: Int, $after: String) {
  tracks(first: $first, after: $after) { edges { cursor node { id title owner { id username } } } pageInfo { hasNextPage endCursor } }
}`;

interface Page {
  edges: { cursor: string; node: { id: string; title: string; owner: { username: string } } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function signedIn(fields: { isStaff?: boolean } = {}) {
  const user = await makeUser(server, fields);
  return { user, headers: tokenHeader(await logInAs(server, user.username)) };
}

async function addTrack(headers: Record<string, string>, title = 'Blue in Green') {
  const response = await graphql(server, CREATE, {
    variables: { input: { title, artist: 'Miles Davis', durationSeconds: 337 } },
    headers,
  });
  return (response.body.data?.createTrack as { id: string }).id;
}

describe('tracks', () => {
  it('creates a track owned by the caller, which anyone may then read', async () => {
    const { user, headers } = await signedIn();
    const response = await graphql(server, CREATE, {
      variables: { input: { title: '  So What ', artist: 'Miles Davis', durationSeconds: 562 } },
      headers,
    });
    expect(response.body.data?.createTrack).toEqual({
      id: expect.any(String) as string,
      title: 'So What',
      artist: 'Miles Davis',
      durationSeconds: 562,
      owner: { username: user.username },
    });
    const id = (response.body.data?.createTrack as { id: string }).id;
    const read = await graphql(
      server,
      'query($id: ID!) { track(id: $id) { title owner { username email } } }',
      {
        variables: { id },
      },
    );
    expect(read.body.data?.track).toEqual({
      title: 'So What',
      owner: { username: user.username, email: null },
    });
    expect(errorOf(read).code).toBe('UNAUTHENTICATED'); // an owner's email is not for anonymous readers
  });

  it.each([
    ['an empty title', { title: '   ' }, 'The title must be 1-200 printable characters.'],
    ['an over-long artist', { artist: 'x'.repeat(201) }, 'The artist must be 1-200 printable characters.'],
    [
      'a negative duration',
      { durationSeconds: -1 },
      'durationSeconds must be a whole number of seconds from 1 to 86400.',
    ],
    ['a title with a line break', { title: 'a\nb' }, 'The title must be 1-200 printable characters.'],
  ])('refuses %s with BAD_USER_INPUT and stores nothing', async (_case, change, message) => {
    const { headers } = await signedIn();
    const title = `bad-${Math.random()}`;
    const response = await graphql(server, CREATE, {
      variables: { input: { title, artist: 'A', durationSeconds: 10, ...change } },
      headers,
    });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', message });
    expect(await server.orm.em.fork().execute('select 1 from tracks where title = ?', [title])).toEqual([]);
  });

  it('updates only the given fields, and validates them', async () => {
    const { headers } = await signedIn();
    const id = await addTrack(headers);
    const UPDATE =
      'mutation($id: ID!, $input: UpdateTrackInput!) { updateTrack(id: $id, input: $input) { title artist durationSeconds } }';
    const updated = await graphql(server, UPDATE, {
      variables: { id, input: { durationSeconds: 330 } },
      headers,
    });
    expect(updated.body.data?.updateTrack).toEqual({
      title: 'Blue in Green',
      artist: 'Miles Davis',
      durationSeconds: 330,
    });
    const refused = await graphql(server, UPDATE, { variables: { id, input: { title: '' } }, headers });
    expect(errorOf(refused).code).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for an unknown or malformed id, for reads and for changes', async () => {
    const { headers } = await signedIn();
    for (const id of ['999999999', 'abc', '0']) {
      expect(
        errorOf(await graphql(server, 'query($id: ID!) { track(id: $id) { id } }', { variables: { id } }))
          .code,
      ).toBe('NOT_FOUND');
      expect(
        errorOf(
          await graphql(server, 'mutation($id: ID!) { deleteTrack(id: $id) }', {
            variables: { id },
            headers,
          }),
        ).code,
      ).toBe('NOT_FOUND');
    }
  });

  it('pages newest first with opaque cursors, and says when there is more', async () => {
    const { headers } = await signedIn();
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push(await addTrack(headers, `page-${i}`));
    // Other test files add tracks meanwhile: walk the pages and check the order, not exact neighbours.
    const seen: string[] = [];
    let after: string | null = null;
    while (!mine.every((id) => seen.includes(id))) {
      const page: Page = (await graphql(server, TRACKS, { variables: { first: 2, after } })).body.data
        ?.tracks as Page;
      expect(page.edges.length).toBeLessThanOrEqual(2);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      seen.push(...page.edges.map((edge) => edge.node.id));
      // Until the oldest of mine has come, there must be a next page.
      if (!mine.every((id) => seen.includes(id))) expect(page.pageInfo.hasNextPage).toBe(true);
      after = page.pageInfo.endCursor;
    }
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
    expect(seen.filter((id) => mine.includes(id))).toEqual([...mine].reverse());
  });

  it('caps a page at 100 and refuses a cursor it did not issue', async () => {
    for (const first of [0, 101, -5]) {
      expect(errorOf(await graphql(server, TRACKS, { variables: { first } }))).toEqual({
        code: 'BAD_USER_INPUT',
        message: 'first must be a whole number from 1 to 100.',
      });
    }
    const usersCursor = Buffer.from('users:1').toString('base64url');
    for (const after of [
      'nonsense!',
      usersCursor,
      Buffer.from('tracks:01').toString('base64url'),
      'dHJhY2tzOjE=',
    ]) {
      expect(errorOf(await graphql(server, TRACKS, { variables: { after } }))).toEqual({
        code: 'BAD_USER_INPUT',
        message: 'after must be a cursor that this list returned.',
      });
    }
  });

  it("reads the tracks' owners in the same query: no query per track", async () => {
    const { headers } = await signedIn();
    for (let i = 0; i < 6; i++) await addTrack(headers, `n-plus-one-${i}`);
    const knex = server.orm.em.getConnection().getKnex();
    const queries: string[] = [];
    const count = (query: { sql: string }) => queries.push(query.sql);
    knex.on('query', count);
    try {
      const page = (await graphql(server, TRACKS, { variables: { first: 6 } })).body.data?.tracks as Page;
      expect(page.edges).toHaveLength(6);
      expect(page.edges.every((edge) => edge.node.owner.username)).toBe(true);
    } finally {
      knex.off('query', count);
    }
    expect(queries).toHaveLength(1);
  });
});
